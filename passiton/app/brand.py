"""The store's colour on the friend's pages and in its e-mails, with a readable text colour."""

from __future__ import annotations

from dataclasses import dataclass

from passiton.core.program_settings import ProgramSettings

WHITE = "#ffffff"
BLACK = "#111111"


@dataclass(frozen=True)
class Brand:
    background: str
    text: str


def brand_for(settings: ProgramSettings) -> Brand:
    """The brand colour and whichever of white or near-black contrasts more with it (WCAG)."""
    colour = settings.brand_color
    on_white = contrast(colour, WHITE)
    on_black = contrast(colour, BLACK)
    return Brand(background=colour, text=WHITE if on_white >= on_black else BLACK)


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
