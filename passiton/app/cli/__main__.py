"""`python -m passiton.app.cli`: how `passiton serve` starts its embedded task worker."""

from passiton.app.cli import main

main()
