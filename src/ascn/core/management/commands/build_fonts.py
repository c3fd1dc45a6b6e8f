"""Copy the Noto fonts for the scripts a reader's system may lack (Thai, Khmer, Lao, Burmese)
from the npm packages (package.json, @fontsource/*) into the git-ignored static/vendor/fonts/,
with one stylesheet of their @font-face rules and each font's licence (SIL Open Font License).

Only each script's own subset, regular and bold, is served: its ``unicode-range`` makes a
browser download it only for a page that has text in that script.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ascn.core.languages import FONT_WEIGHTS, SCRIPT_FONTS
from ascn.core.svg import drawing_fonts

STYLESHEET = "vendor/fonts/fonts.css"


def build_fonts(packages: Path, target: Path) -> list[Path]:
    """Write the fonts, their licences and the stylesheet; the files written."""
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    rules: list[str] = [
        "/* Noto Sans fonts for Thai, Khmer, Lao and Burmese, from the @fontsource npm packages\n"
        "   (SIL Open Font License 1.1: see each folder's LICENSE). Written by build_fonts. */",
    ]
    for package, subset in SCRIPT_FONTS.values():
        source = packages / "@fontsource" / package
        if not source.is_dir():
            raise CommandError(f"{source} is missing: run `npm ci` (make fonts does)")
        folder = target / package
        folder.mkdir(exist_ok=True)
        shutil.copyfile(source / "LICENSE", folder / "LICENSE")
        for weight in FONT_WEIGHTS:
            # the weight's stylesheet has every subset's rule with its unicode-range: keep the
            # script's own
            every = (source / f"{weight}.css").read_text(encoding="utf-8")
            marker = f"/* {package}-{subset}-{weight}-normal */"
            start = every.index(marker)
            css = every[start : every.index("}", start) + 1]
            if "unicode-range" not in css:
                raise CommandError(f"{package} {weight}: no unicode-range for {subset}")
            for name in re.findall(r"url\(\./files/([^)]+\.woff2)\)", css):
                shutil.copyfile(source / "files" / name, folder / name)
                written.append(folder / name)
            # woff2 only (every browser the site supports reads it), from the package's folder
            css = re.sub(r", url\(\./files/[^)]+\.woff\) format\('woff'\)", "", css)
            # "block": a reader whose system lacks the script sees the text once the font is
            # there, never first drawn in a font without its glyphs (boxes)
            css = css.replace("font-display: swap", "font-display: block")
            rules.append(css.replace("url(./files/", f"url({package}/").strip())
    stylesheet = target / "fonts.css"
    stylesheet.write_text("\n\n".join(rules) + "\n", encoding="utf-8")
    written.append(stylesheet)
    return written


def build_drawing_fonts(packages: Path, target: Path) -> list[Path]:
    """The same fonts as TrueType, which vl-convert reads (not WOFF), for the charts and maps
    the server draws (``core.svg.vega``): from each package's WOFF of the script's subset."""
    from fontTools.ttLib import TTFont  # noqa: PLC0415 - start-up: read by this command only

    # built beside it, then put in its place whole: a worker drawing meanwhile finds no
    # folder or all of it, never half (it registers a folder once)
    building = target.with_name(target.name + ".new")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    names: list[str] = []
    for package, subset in SCRIPT_FONTS.values():
        source = packages / "@fontsource" / package
        shutil.copyfile(source / "LICENSE", building / f"{package}.LICENSE")
        for weight in FONT_WEIGHTS:
            font = TTFont(source / "files" / f"{package}-{subset}-{weight}-normal.woff")
            font.flavor = None  # TrueType, as the WOFF holds it
            font.save(building / f"{package}-{weight}.ttf")
            names.append(f"{package}-{weight}.ttf")
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    building.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return [target / name for name in names]


class Command(BaseCommand):
    help = (
        "Copy the Noto fonts for Thai, Khmer, Lao and Burmese into static/vendor/fonts/, and "
        "as TrueType into var/fonts/ for the drawings."
    )

    def handle(self, *args: object, **options: object) -> None:
        target = Path(settings.STATICFILES_DIRS[0]) / "vendor" / "fonts"
        packages = Path(settings.BASE_DIR) / "node_modules"
        for folder, written in (
            (target, build_fonts(packages, target)),
            (drawing_fonts(), build_drawing_fonts(packages, drawing_fonts())),
        ):
            size = sum(path.stat().st_size for path in written) // 1024
            self.stdout.write(f"{folder} ({len(written)} files, {size} KB)")
