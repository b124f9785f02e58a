#!/usr/bin/python3
"""Make the TrueType fonts the Chinese PDF is typeset in.

    cjk-font.py OUT_DIR TEXT_FILE...

The Chinese PDF uses Noto Sans CJK SC from Debian's fonts-noto-cjk. Debian
ships it as OpenType collections with CFF outlines (NotoSansCJK-*.ttc), and
asciidoctor-pdf (through Prawn and ttfunk) embeds TrueType outlines only: a
CFF font gives a PDF that viewers cannot read. So this script takes the
"Noto Sans CJK SC" face out of each collection, keeps only the characters the
Chinese book uses (every character of the TEXT_FILEs, plus ASCII, Latin-1,
general and CJK punctuation and the full-width forms), converts its cubic
outlines to quadratic ones (TrueType glyf), and writes

    OUT_DIR/NotoSansCJKsc-Regular.ttf
    OUT_DIR/NotoSansCJKsc-Bold.ttf

which docs/zh-theme.yml names. Keeping only the used characters makes the
conversion take a second or two instead of minutes; the book is made from
the same files, so nothing it prints is missing. Needs python3-fonttools.
"""
import os
import sys

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, newTable

NOTO_DIR = "/usr/share/fonts/opentype/noto"
FACE = "Noto Sans CJK SC"
STYLES = {"Regular": "NotoSansCJK-Regular.ttc", "Bold": "NotoSansCJK-Bold.ttc"}
ALWAYS = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2190, 0x21FF),
          (0x3000, 0x303F), (0xFF00, 0xFFEF)]
MAX_ERROR = 1.0  # font units (of 1000 per em) the quadratic curves may stray


def face(collection_path):
    """The FACE font out of a .ttc collection."""
    for font in TTCollection(collection_path).fonts:
        if font["name"].getDebugName(1) == FACE:
            return font
    sys.exit("docs: error: %s holds no %r face" % (collection_path, FACE))


def to_truetype(font):
    """Replace the CFF outlines by TrueType (glyf) ones, in place."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        # CFF contours run counter-clockwise, TrueType ones clockwise.
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements", "maxPoints", "maxContours", "maxCompositePoints",
                  "maxCompositeContours", "maxComponentDepth"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    maxp.numGlyphs = len(order)
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().split("\n\n")[0], file=sys.stderr)
        return 2
    out_dir, sources = sys.argv[1], sys.argv[2:]
    text = set()
    for path in sources:
        with open(path, encoding="utf-8") as f:
            text.update(f.read())
    for first, last in ALWAYS:
        text.update(chr(c) for c in range(first, last + 1))
    text.discard("\n")
    os.makedirs(out_dir, exist_ok=True)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    for style, collection in STYLES.items():
        path = os.path.join(NOTO_DIR, collection)
        if not os.path.exists(path):
            sys.exit("docs: error: %s is missing; 'make deps' installs fonts-noto-cjk" % path)
        font = face(path)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(text)))
        subsetter.subset(font)
        to_truetype(font)
        target = os.path.join(out_dir, "NotoSansCJKsc-%s.ttf" % style)
        font.save(target + ".tmp")
        os.replace(target + ".tmp", target)
    print("docs: CJK fonts for the PDF: %s/NotoSansCJKsc-{Regular,Bold}.ttf (%d characters)"
          % (os.path.relpath(out_dir), len(text)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
