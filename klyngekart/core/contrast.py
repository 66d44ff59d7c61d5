"""Colour contrast as WCAG 2.1 measures it, to pick text that can be read on a coloured background.

A heatmap cell or a badge chooses its text colour from the background's luminance, so any colour
scale gets readable text without a second hand-kept list of text colours."""

from __future__ import annotations

DARK_TEXT = "#1a1a1a"
LIGHT_TEXT = "#ffffff"
# WCAG 2.1 level AA for normal text (1.4.3).
AA_NORMAL = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """The relative luminance of a ``#rrggbb`` (or ``#rgb``) colour, from 0 (black) to 1 (white)."""
    digits = colour.removeprefix("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    if len(digits) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (the same) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour_for(background: str, *, dark: str = DARK_TEXT, light: str = LIGHT_TEXT) -> str:
    """The dark or the light text colour, whichever reads better on ``background``."""
    return dark if contrast_ratio(background, dark) >= contrast_ratio(background, light) else light
