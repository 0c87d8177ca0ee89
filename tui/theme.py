"""The 16-colour theme: the terminal's own ANSI colours, for ``TERM=xterm`` and ``screen``.

Textual's default theme is drawn in 24-bit colour; a terminal that reports 8 or 16 colours
gets each colour rounded to the nearest of its own, and the shades the screens lean on (the
cursor row at 60 % of the accent, the panels' borders a little lighter than the panel) round
to the same black. This theme names ANSI colours only, and styles/theme16.tcss (which applies
to any theme drawn in the terminal's own colours: ``App:ansi``) marks the cursor row and the
focused pane by reverse video and bright colours rather than by shades.
"""

from __future__ import annotations

from textual.theme import BUILTIN_THEMES, Theme

from store.words import say

#: the theme's name, as ``--theme`` and the palette's 配色 list give it
THEME_16 = "minsheng-16"

#: what ``--theme`` accepts besides a Textual theme's own name
THEME_ALIASES = {"16": THEME_16, "ansi": THEME_16}

#: the colour systems (Rich's names) of a terminal with 8 or 16 colours
FEW_COLOURS = ("standard", "windows")

THEME = Theme(
    name=THEME_16,
    ansi=True,
    dark=True,
    primary="ansi_bright_blue",
    secondary="ansi_cyan",
    accent="ansi_bright_cyan",
    warning="ansi_bright_yellow",
    error="ansi_bright_red",
    success="ansi_bright_green",
    foreground="ansi_default",
    background="ansi_default",
    surface="ansi_default",
    panel="ansi_default",
    boost="ansi_default",
    variables={
        "ansi-background": "ansi_black",
        "ansi-foreground": "ansi_white",
        "border": "ansi_bright_cyan",
        "border-blurred": "ansi_white",
        "block-cursor-foreground": "ansi_black",
        "block-cursor-background": "ansi_bright_cyan",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-foreground": "ansi_black",
        "block-cursor-blurred-background": "ansi_white",
        "input-cursor-background": "ansi_bright_white",
        "input-cursor-foreground": "ansi_black",
        "input-cursor-text-style": "none",
        "input-selection-background": "ansi_blue",
        "input-selection-foreground": "ansi_bright_white",
        "screen-selection-background": "ansi_blue",
        "screen-selection-foreground": "ansi_bright_white",
        "footer-background": "ansi_default",
        "footer-foreground": "ansi_default",
        "footer-key-background": "ansi_default",
        "footer-key-foreground": "ansi_bright_cyan",
        "footer-description-background": "ansi_default",
        "footer-description-foreground": "ansi_default",
        "text-muted": "ansi_white",
        "scrollbar": "ansi_white",
        "scrollbar-hover": "ansi_bright_white",
        "scrollbar-active": "ansi_bright_cyan",
        "scrollbar-background": "ansi_bright_black",
        "scrollbar-background-hover": "ansi_bright_black",
        "scrollbar-background-active": "ansi_bright_black",
        "scrollbar-corner-color": "ansi_bright_black",
    },
)


def theme_name(asked: str | None) -> str | None:
    """The theme ``--theme`` names (``16`` is this one); None when not asked for.

    ValueError (in words for the user) for a name that is no theme."""
    if not asked:
        return None
    name = THEME_ALIASES.get(asked, asked)
    if name != THEME_16 and name not in BUILTIN_THEMES:
        known = "、".join(["16", *sorted(BUILTIN_THEMES)])
        raise ValueError(say("app.theme.unknown", name=asked, known=known))
    return name


def few_colours(color_system: str | None) -> bool:
    """Whether a console's colour system (Rich reads TERM, COLORTERM and Textual's
    TEXTUAL_COLOR_SYSTEM) is 8 or 16 colours."""
    return color_system in FEW_COLOURS
