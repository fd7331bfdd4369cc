import pytest

from passiton.app.brand import BLACK, WHITE, brand_for, contrast
from passiton.core.program_settings import ProgramSettings


def test_contrast_of_black_and_white_is_21() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)


@pytest.mark.parametrize(
    ("colour", "text"),
    [("#1f5199", WHITE), ("#000000", WHITE), ("#ffdd00", BLACK), ("#ffffff", BLACK)],
)
def test_text_colour_is_the_one_that_reads_better(colour: str, text: str) -> None:
    brand = brand_for(ProgramSettings(brand_color=colour))
    assert (brand.background, brand.text) == (colour, text)
    assert contrast(brand.background, brand.text) >= 4.5
