"""The picture grid: one row per (setting, sample face), one cell per image.

Each row starts with its title, then the original, the input the methods
got (low-res inputs enlarged with nearest neighbour so their pixels show)
and every method's scored output, each under its label.  The grid holds
faces from the shared folder, so it is written outside the repository.
"""
import numpy as np
from PIL import Image, ImageDraw, ImageFont

CELL = 128
LABEL_H = 12
TITLE_W = 128


def _fit(text, width, font, draw):
    """text shortened with '..' to fit width pixels."""
    while text and draw.textlength(text, font=font) > width:
        text = text[:-3] + ".." if len(text) > 3 else ""
    return text


def write(rows, path, small_path=None):
    """rows: [(title lines, [(label, uint8 image)])]; writes the PNG(s)."""
    ncols = max(len(cells) for _, cells in rows)
    width, row_h = TITLE_W + ncols * CELL, CELL + LABEL_H
    sheet = Image.new("RGB", (width, len(rows) * row_h), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default()
    for r, (title, cells) in enumerate(rows):
        y = r * row_h
        for k, line in enumerate(title):
            draw.text((4, y + LABEL_H + 4 + 12 * k), _fit(line, TITLE_W - 8, font, draw), fill="black", font=font)
        for c, (label, img) in enumerate(cells):
            x = TITLE_W + c * CELL
            draw.text((x + 2, y), _fit(label, CELL - 4, font, draw), fill="black", font=font)
            if img.shape[:2] != (CELL, CELL):
                img = np.asarray(Image.fromarray(img).resize((CELL, CELL), Image.NEAREST))
            sheet.paste(Image.fromarray(img), (x, y + LABEL_H))
    sheet.save(path, optimize=True)
    if small_path:
        sheet.resize((sheet.width // 2, sheet.height // 2), Image.LANCZOS).save(small_path, optimize=True)
