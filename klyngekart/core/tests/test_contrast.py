"""Text on coloured backgrounds is chosen by the background's luminance and reaches WCAG AA."""

from __future__ import annotations

import pytest

from klyngekart.core.contrast import AA_NORMAL, contrast_ratio, relative_luminance, text_colour_for
from klyngekart.needs.views_analysis import PALETTE


def test_luminance_and_ratio_match_wcag() -> None:
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#fff") == 1
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#000000") == contrast_ratio("#000000", "#ffffff")
    # WCAG's own example pair: #777777 on white is 4.48:1, just short of AA.
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_dark_text_on_light_backgrounds_and_light_on_dark() -> None:
    assert text_colour_for("#f1f7fd") == "#1a1a1a"
    assert text_colour_for("#ffd166") == "#1a1a1a"
    assert text_colour_for("#14467d") == "#ffffff"
    assert text_colour_for("#0b4f6c") == "#ffffff"


def test_a_mid_blue_that_reaches_aa_with_neither_is_caught() -> None:
    # The heatmap's old fourth step: 3.9:1 with white and 4.46:1 with dark text.
    best = text_colour_for("#3f84cc")
    assert contrast_ratio("#3f84cc", best) < AA_NORMAL


@pytest.mark.parametrize(("limit", "background", "text"), PALETTE)
def test_every_heatmap_step_is_readable(limit, background, text) -> None:
    assert contrast_ratio(background, text) >= AA_NORMAL, f"{background} with {text}"


def test_a_bad_colour_is_refused() -> None:
    with pytest.raises(ValueError):
        relative_luminance("blue")


@pytest.mark.django_db
def test_the_landing_pages_log_in_button_is_white_with_the_brand_colour(client) -> None:
    body = client.get("/").content.decode()
    assert "kk-hero__button" in body
    # app.css: .kk-hero .kk-hero__button { background: #fff; color: var(--kk-brand) (#0b4f6c) }
    assert contrast_ratio("#ffffff", "#0b4f6c") >= AA_NORMAL
