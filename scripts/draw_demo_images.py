"""Draw the demo diagrams of acupressure points for back pain.

Each picture is a flat, calm illustration in the style of a medical leaflet: a plain
skin-tone outline of the body part, a few thin lines for bony landmarks, a red marker
(with a white ring) for the point and a short label with the point code. Nearby points
shown only for comparison are small hollow grey circles. A caption strip at the bottom
says that the diagram is not to scale.

The pictures are written as 960 x 720 RGB PNG files into ``fixtures/images/``. Nothing
random is used, so every run produces the same files. Re-run from the repository root
after changing a drawing:

    .venv/bin/python scripts/draw_demo_images.py

All coordinates below are in output pixels (960 x 720, origin at the top left). Shapes
are drawn at ``SCALE`` times that size and scaled down at the end, for smooth edges;
the result is then snapped to a small fixed palette so that the files stay small.
"""

from __future__ import annotations

import math
from itertools import pairwise
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "fixtures" / "images"

FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONT_REGULAR = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

WIDTH, HEIGHT = 960, 720
SCALE = 2
CAPTION_HEIGHT = 48
CAPTION = "Diagram, not to scale. Approximate location."
CX = WIDTH // 2  # horizontal centre, used as the body midline
MIRROR = 1000  # x -> MIRROR - x flips a foot drawn around x = 500

BACKGROUND = (250, 247, 242)
SKIN = (236, 208, 183)
SKIN_SHADE = (224, 190, 162)
OUTLINE = (138, 102, 80)
LANDMARK = (160, 124, 102)
BONE = (178, 146, 124)
NOTE = (104, 90, 81)
CAPTION_BAND = (238, 231, 220)
MARKER = (179, 38, 30)
WHITE = (255, 255, 255)
REFERENCE = (128, 128, 128)
PALETTE = [
    BACKGROUND,
    SKIN,
    SKIN_SHADE,
    OUTLINE,
    LANDMARK,
    BONE,
    NOTE,
    CAPTION_BAND,
    MARKER,
    WHITE,
    REFERENCE,
]
# Colours that meet along an edge; their blends smooth the edges after scaling down.
EDGE_PAIRS = [
    (BACKGROUND, OUTLINE),
    (BACKGROUND, SKIN),
    (BACKGROUND, NOTE),
    (BACKGROUND, LANDMARK),
    (BACKGROUND, BONE),
    (BACKGROUND, WHITE),
    (BACKGROUND, MARKER),
    (BACKGROUND, REFERENCE),
    (SKIN, OUTLINE),
    (SKIN, LANDMARK),
    (SKIN, BONE),
    (SKIN, NOTE),
    (SKIN, WHITE),
    (SKIN, MARKER),
    (SKIN, REFERENCE),
    (SKIN, SKIN_SHADE),
    (SKIN_SHADE, OUTLINE),
    (SKIN_SHADE, LANDMARK),
    (WHITE, MARKER),
    (WHITE, REFERENCE),
    (CAPTION_BAND, NOTE),
]

OUTLINE_WIDTH = 3
LANDMARK_WIDTH = 2


# --------------------------------------------------------------------------- geometry


def spline(points, closed=True, steps=12):
    """Return a smooth Catmull-Rom curve through ``points``."""
    pts = list(points)
    n = len(pts)
    out = []
    for i in range(n if closed else n - 1):
        if closed:
            p0, p1, p2, p3 = pts[i - 1], pts[i], pts[(i + 1) % n], pts[(i + 2) % n]
        else:
            p0, p1 = pts[max(i - 1, 0)], pts[i]
            p2, p3 = pts[i + 1], pts[min(i + 2, n - 1)]
        for s in range(steps):
            t = s / steps
            out.append(
                tuple(
                    0.5
                    * (
                        2 * p1[k]
                        + (p2[k] - p0[k]) * t
                        + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t * t
                        + (3 * p1[k] - p0[k] - 3 * p2[k] + p3[k]) * t * t * t
                    )
                    for k in (0, 1)
                )
            )
    if not closed:
        out.append(tuple(pts[-1]))
    return out


def mirrored(half):
    """Close a symmetric outline; ``half`` lists (dx, y) right of the midline, top down."""
    right = [(CX + dx, y) for dx, y in half]
    left = [(CX - dx, y) for dx, y in reversed(half)]
    return right + left


def side_points(side, half):
    """Place (dx, y) points on one side of the midline (``side`` is 1 or -1)."""
    return [(CX + side * dx, y) for dx, y in half]


def lerp(a, b, t):
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _scaled(points):
    return [(x * SCALE, y * SCALE) for x, y in points]


def _box(x1, y1, x2, y2):
    return (x1 * SCALE, y1 * SCALE, x2 * SCALE, y2 * SCALE)


_FONTS: dict[tuple[int, bool], ImageFont.FreeTypeFont] = {}


def _font(size, bold=False):
    if (size, bold) not in _FONTS:
        path = FONT_BOLD if bold else FONT_REGULAR
        _FONTS[size, bold] = ImageFont.truetype(path, size * SCALE)
    return _FONTS[size, bold]


def _palette_image():
    """The fixed palette: the base colours plus the half-way blend of each edge pair."""
    colors = set(PALETTE)
    for a, b in EDGE_PAIRS:
        colors.add(tuple((a[k] + b[k]) // 2 for k in range(3)))
    flat = [channel for color in sorted(colors) for channel in color]
    image = Image.new("P", (1, 1))
    image.putpalette(flat)
    return image


# --------------------------------------------------------------------------- drawing


class Diagram:
    """One picture: a body silhouette, landmark lines, notes and point markers."""

    def __init__(self, view):
        size = (WIDTH * SCALE, HEIGHT * SCALE)
        self.view = view
        self.image = Image.new("RGB", size, BACKGROUND)
        self.draw = ImageDraw.Draw(self.image)
        # The silhouette is collected in two masks (the body, and the body grown by the
        # outline width) so that overlapping shapes merge into one outlined figure.
        self.body = Image.new("L", size, 0)
        self.halo = Image.new("L", size, 0)

    # ----- silhouette

    def shape(self, points):
        """Add a smooth closed outline through ``points`` to the silhouette."""
        pts = _scaled(spline(points))
        ImageDraw.Draw(self.body).polygon(pts, fill=255)
        halo = ImageDraw.Draw(self.halo)
        halo.polygon(pts, fill=255)
        halo.line(pts + pts[:1], fill=255, width=2 * OUTLINE_WIDTH * SCALE, joint="curve")

    def oval(self, centre, rx, ry):
        """Add an ellipse (a toe) to the silhouette."""
        x, y = centre
        for grow, mask in ((0, self.body), (OUTLINE_WIDTH, self.halo)):
            box = _box(x - rx - grow, y - ry - grow, x + rx + grow, y + ry + grow)
            ImageDraw.Draw(mask).ellipse(box, fill=255)

    def limb(self, start, end, r_start, r_end):
        """Add a tapered capsule from ``start`` to ``end`` (a finger or the thumb)."""
        (x1, y1), (x2, y2) = start, end
        length = math.hypot(x2 - x1, y2 - y1)
        nx, ny = -(y2 - y1) / length, (x2 - x1) / length
        for grow, mask in ((0, self.body), (OUTLINE_WIDTH, self.halo)):
            r1, r2 = r_start + grow, r_end + grow
            quad = [
                (x1 + nx * r1, y1 + ny * r1),
                (x2 + nx * r2, y2 + ny * r2),
                (x2 - nx * r2, y2 - ny * r2),
                (x1 - nx * r1, y1 - ny * r1),
            ]
            draw = ImageDraw.Draw(mask)
            draw.polygon(_scaled(quad), fill=255)
            draw.ellipse(_box(x1 - r1, y1 - r1, x1 + r1, y1 + r1), fill=255)
            draw.ellipse(_box(x2 - r2, y2 - r2, x2 + r2, y2 + r2), fill=255)

    def paint_body(self):
        """Paint the collected silhouette: outline colour first, skin on top."""
        self.image.paste(OUTLINE, mask=self.halo)
        self.image.paste(SKIN, mask=self.body)

    # ----- lines

    def line(self, points, color=LANDMARK, width=LANDMARK_WIDTH, smooth=False):
        pts = spline(points, closed=False) if smooth else list(points)
        self.draw.line(_scaled(pts), fill=color, width=round(width * SCALE), joint="curve")

    def dashed(self, points, color=LANDMARK, width=LANDMARK_WIDTH, dash=12, gap=8):
        """A dashed straight line through ``points`` (the spine, guide lines)."""
        for a, b in pairwise(points):
            length = math.hypot(b[0] - a[0], b[1] - a[1])
            start = 0.0
            while start < length:
                end = min(start + dash, length)
                self.line([lerp(a, b, start / length), lerp(a, b, end / length)], color, width)
                start = end + gap

    def circle(self, centre, r, outline=LANDMARK, width=LANDMARK_WIDTH, fill=None):
        x, y = centre
        box = _box(x - r, y - r, x + r, y + r)
        self.draw.ellipse(box, outline=outline, width=width * SCALE, fill=fill)

    def nail(self, centre):
        """A fingernail outline, seen from the back of the hand."""
        x, y = centre
        box = _box(x - 13, y - 14, x + 13, y + 18)
        self.draw.rounded_rectangle(box, radius=9 * SCALE, outline=BONE, width=3)

    def tick(self, centre, toward, length=14):
        """A short guide mark across the line from ``centre`` to ``toward``."""
        dx, dy = toward[0] - centre[0], toward[1] - centre[1]
        norm = math.hypot(dx, dy)
        nx, ny = -dy / norm * length / 2, dx / norm * length / 2
        x, y = centre
        self.line([(x - nx, y - ny), (x + nx, y + ny)], NOTE, width=1.5)

    def bracket(self, a, b):
        """A thin measuring bracket between ``a`` and ``b``."""
        self.line([a, b], NOTE, width=1.5)
        self.tick(a, b)
        self.tick(b, a)

    # ----- text

    def text(self, xy, text, size=15, color=NOTE, anchor="lm", bold=False):
        (x, y) = _scaled([xy])[0]
        font = _font(size, bold)
        align = {"l": "left", "m": "center", "r": "right"}[anchor[0]]
        self.draw.multiline_text(
            (x, y), text, font=font, fill=color, anchor=anchor, spacing=6, align=align
        )

    def note(self, xy, text, target=None, anchor="lm"):
        """A small annotation in the margin, with a thin leader line to ``target``."""
        if target is not None:
            gap = -6 if anchor[0] == "l" else 6
            self.line([(xy[0] + gap, xy[1]), target], NOTE, width=1)
            self.circle(target, 2, outline=NOTE, width=1, fill=NOTE)
        self.text(xy, text, anchor=anchor)

    # ----- points

    def point(self, centre, code, label_offset):
        """Mark an acupressure point: a red dot with a white ring, and its code."""
        self._label(centre, code, label_offset, MARKER)
        x, y = centre
        self.draw.ellipse(_box(x - 13, y - 13, x + 13, y + 13), fill=WHITE)
        self.draw.ellipse(_box(x - 9.5, y - 9.5, x + 9.5, y + 9.5), fill=MARKER)

    def reference_point(self, centre, code=None, label_offset=(0, 0)):
        """A hollow grey circle for a nearby point shown only for comparison."""
        if code:
            self._label(centre, code, label_offset, REFERENCE, size=20)
        x, y = centre
        self.draw.ellipse(_box(x - 11, y - 11, x + 11, y + 11), fill=WHITE)
        self.circle(centre, 8.5, outline=REFERENCE, width=3)

    def _label(self, centre, code, offset, color, size=24):
        x, y = centre[0] + offset[0], centre[1] + offset[1]
        self.line([centre, (x, y)], color, width=2)
        font = _font(size, bold=True)
        left, top, right, bottom = self.draw.textbbox(
            _scaled([(x, y)])[0], code, font=font, anchor="mm"
        )
        pad_x, pad_y = 8 * SCALE, 5 * SCALE
        self.draw.rounded_rectangle(
            (left - pad_x, top - pad_y, right + pad_x, bottom + pad_y),
            radius=6 * SCALE,
            fill=WHITE,
            outline=color,
            width=2 * SCALE,
        )
        self.draw.text(_scaled([(x, y)])[0], code, font=font, fill=color, anchor="mm")

    # ----- output

    def save(self, name):
        """Add the view title and the caption strip, scale down and write the PNG."""
        self.text((24, 22), self.view, size=18, anchor="la")
        top = HEIGHT - CAPTION_HEIGHT
        self.draw.rectangle(_box(0, top, WIDTH, HEIGHT), fill=CAPTION_BAND)
        self.text((WIDTH / 2, top + CAPTION_HEIGHT / 2), CAPTION, size=17, anchor="mm")
        small = self.image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
        small = small.quantize(palette=_palette_image(), dither=Image.Dither.NONE)
        path = OUT_DIR / name
        small.convert("RGB").save(path, optimize=True)
        return path


# --------------------------------------------------------------------------- bodies


def back_torso(d):
    """Back view from the shoulders to the buttocks; returns the waist (L2) height."""
    waist_y = 380
    d.shape(
        mirrored(
            [
                (44, -120),
                (44, -40),
                (46, 30),
                (64, 56),
                (125, 70),
                (180, 86),
                (204, 116),
                (206, 158),
                (186, 202),
                (166, 252),
                (146, 330),
                (140, waist_y),
                (150, 435),
                (176, 495),
                (190, 545),
                (186, 600),
                (180, 660),
                (176, 780),
                (20, 780),
                (6, 700),
                (0, 690),
            ]
        )
    )
    d.paint_body()
    for side in (1, -1):
        crest = [(156, 464), (146, 440), (124, 428), (94, 432), (64, 448), (46, 472)]
        d.line(side_points(side, crest), BONE, width=3, smooth=True)
        fold = [(4, 628), (50, 646), (110, 644), (164, 614)]
        d.line(side_points(side, fold), LANDMARK, smooth=True)
    d.line([(CX, 548), (CX, 640)], LANDMARK)
    d.dashed([(CX, 30), (CX, 530)], OUTLINE, width=3)
    d.note((CX + 250, 160), "spine", target=(CX + 2, 160))
    d.note((CX + 250, 500), "top of the hip bone\n(iliac crest)", target=(CX + 140, 432))
    return waist_y


def lower_back(d):
    """Back view of the lower back and buttocks at a larger scale, with the sacrum."""
    d.shape(
        mirrored(
            [
                (186, -120),
                (186, -40),
                (186, 40),
                (198, 110),
                (220, 200),
                (238, 300),
                (244, 390),
                (236, 470),
                (224, 560),
                (220, 780),
                (30, 780),
                (16, 620),
                (0, 575),
            ]
        )
    )
    d.paint_body()
    for side in (1, -1):
        crest = [(206, 222), (196, 186), (170, 162), (130, 158), (94, 174), (64, 212)]
        d.line(side_points(side, crest), BONE, width=3, smooth=True)
        fold = [(6, 556), (70, 572), (150, 566), (222, 530)]
        d.line(side_points(side, fold), LANDMARK, smooth=True)
    # Sacrum: a rounded, downward-pointing triangle with its four pairs of holes.
    sacrum = [(-62, 208), (0, 202), (62, 208), (44, 280), (6, 348), (-6, 348), (-44, 280)]
    sacrum = side_points(1, sacrum)
    d.line(sacrum + sacrum[:1], BONE, width=3, smooth=True)
    d.line([(CX - 4, 350), (CX, 372), (CX + 4, 350)], BONE)
    for dx, y, r in [(26, 230, 4), (23, 258, 4), (19, 285, 3), (15, 310, 3)]:
        for side in (1, -1):
            d.circle((CX + side * dx, y), r, outline=LANDMARK if y == 258 else BONE)
    d.line([(CX, 380), (CX, 552)], LANDMARK)
    d.dashed([(CX, 0), (CX, 194)], OUTLINE, width=3)


# --------------------------------------------------------------------------- pictures


def draw_cv6():
    d = Diagram("Front view of the torso")
    navel_y, cun = 300, 44  # navel to the top of the pubic bone is 5 cun
    d.shape(
        mirrored(
            [
                (166, -120),
                (166, -40),
                (168, 60),
                (160, 160),
                (146, 240),
                (138, navel_y),
                (150, 362),
                (178, 425),
                (190, 475),
                (182, 545),
                (172, 625),
                (168, 780),
                (40, 780),
                (30, 660),
                (16, 582),
                (0, 556),
            ]
        )
    )
    d.paint_body()
    for side in (1, -1):
        ribs = [(0, 140), (44, 168), (96, 212), (132, 262)]
        d.line(side_points(side, ribs), BONE, smooth=True)
        groin = [(150, 440), (110, 488), (60, 530), (24, 556)]
        d.line(side_points(side, groin), LANDMARK, smooth=True)
    d.dashed([(CX, 150), (CX, 510)], BONE, width=1.5, dash=6, gap=8)
    d.circle((CX, navel_y), 7, outline=OUTLINE, width=2, fill=SKIN_SHADE)
    point = (CX, navel_y + 1.5 * cun)
    d.bracket((CX - 36, navel_y), (CX - 36, point[1]))
    d.note((310, (navel_y + point[1]) / 2), "1.5 cun ≈ 2 finger-widths", (CX - 36, 333), "rm")
    d.note((700, 250), "navel", target=(CX + 10, navel_y - 4))
    d.note((700, 110), "front midline", target=(CX + 2, 180))
    d.point(point, "CV6", (100, 44))
    return d.save("cv6-qihai.png")


def _back_point(name, code, offset_cun, distance_text, show_bl23):
    d = Diagram("Back view of the torso")
    waist_y = back_torso(d)
    cun = 22
    d.dashed([(CX - 230, waist_y), (CX + 230, waist_y)], NOTE, width=1, dash=4, gap=6)
    d.note((CX - 250, waist_y), "waist level (L2)", anchor="rm")
    if show_bl23:
        for side in (1, -1):
            d.reference_point((CX + side * 1.5 * cun, waist_y))
        d.text((CX - 1.5 * cun, waist_y + 20), "BL23", size=14, color=REFERENCE, anchor="ma")
    x = offset_cun * cun
    d.bracket((CX, waist_y + 28), (CX + x, waist_y + 28))
    d.note((CX + 220, waist_y + 28), distance_text, target=(CX + x + 4, waist_y + 28))
    for side in (1, -1):
        d.point((CX + side * x, waist_y), code, (side * (64 + x), -60))
    return d.save(name)


def draw_bl23():
    return _back_point("bl23-shenshu.png", "BL23", 1.5, "1.5 cun ≈ 2 finger-widths", False)


def draw_bl52():
    return _back_point("bl52-zhishi.png", "BL52", 3, "3 cun ≈ 4 finger-widths", True)


def draw_bl53():
    d = Diagram("Back view:\nlower back and buttocks")
    lower_back(d)
    cun, level = 31, 258  # level of the 2nd sacral hole
    d.dashed([(CX - 250, level), (CX + 250, level)], NOTE, width=1, dash=4, gap=6)
    d.note((222, level), "level of the\n2nd sacral hole", anchor="rm")
    d.note((745, 150), "top of the hip bone", target=(CX + 168, 157))
    d.note((210, 360), "sacrum", target=(CX - 26, 318), anchor="rm")
    d.bracket((CX, level + 44), (CX + 3 * cun, level + 44))
    d.note((745, level + 44), "3 cun ≈\n4 finger-widths", target=(CX + 3 * cun + 4, level + 44))
    for side in (1, -1):
        d.point((CX + side * 3 * cun, level), "BL53", (side * 104, -64))
    return d.save("bl53-baohuang.png")


def draw_gb30():
    d = Diagram("Back view of the buttocks")
    lower_back(d)
    hiatus = (CX, 338)
    d.line([(CX - 8, hiatus[1] + 5), (CX, hiatus[1] - 4), (CX + 8, hiatus[1] + 5)], OUTLINE)
    for side in (1, -1):
        trochanter = (CX + side * 206, 396)
        d.circle(trochanter, 20, outline=LANDMARK, width=2, fill=SKIN_SHADE)
        d.dashed([trochanter, hiatus], NOTE, width=1.5, dash=6, gap=5)
        for t in (1 / 3, 2 / 3):
            d.tick(lerp(trochanter, hiatus, t), hiatus)
    d.note((752, 500), "greater trochanter\n(top of the\nthigh bone)", (CX + 212, 408))
    d.note((752, 290), "base of the spine\n(sacral hiatus)", (CX + 4, hiatus[1] - 2))
    d.text(
        (24, 520),
        "GB30 lies one third\nof the way from the\ngreater trochanter\nto the base of the\nspine.",
    )
    for side in (1, -1):
        d.point(lerp((CX + side * 206, 396), hiatus, 1 / 3), "GB30", (side * 24, 76))
    return d.save("gb30-huantiao.png")


def draw_bl40():
    d = Diagram("Back of the left knee\n(the same point is on the right leg)")
    d.shape(
        [
            (CX - 106, -120),
            (CX - 106, -40),
            (CX - 100, 100),
            (CX - 90, 220),
            (CX - 82, 300),
            (CX - 86, 360),
            (CX - 97, 420),
            (CX - 86, 510),
            (CX - 68, 620),
            (CX - 60, 780),
            (CX + 62, 780),
            (CX + 70, 620),
            (CX + 90, 520),
            (CX + 97, 440),
            (CX + 88, 370),
            (CX + 84, 300),
            (CX + 92, 220),
            (CX + 102, 100),
            (CX + 108, -40),
            (CX + 108, -120),
        ]
    )
    d.paint_body()
    crease_y = 336
    for side in (1, -1):
        d.line(side_points(side, [(40, 140), (56, 250), (64, 318)]), BONE)
        d.line(side_points(side, [(56, 352), (40, 420), (14, 480)]), BONE)
    crease = [(CX - 76, crease_y - 7), (CX, crease_y + 2), (CX + 78, crease_y - 7)]
    d.line(crease, OUTLINE, width=3, smooth=True)
    d.note((300, crease_y - 50), "knee crease", target=(CX - 50, crease_y - 3), anchor="rm")
    d.note((CX - 200, 520), "outer side", anchor="mm")
    d.note((CX + 200, 520), "inner side", anchor="mm")
    d.point((CX, crease_y + 1), "BL40", (160, -60))
    return d.save("bl40-weizhong.png")


def draw_li4():
    d = Diagram("Back of the right hand, thumb spread\n(the same point is on the left hand)")
    d.shape(  # palm and wrist
        [
            (432, 780),
            (434, 664),
            (412, 600),
            (414, 520),
            (418, 400),
            (428, 300),
            (520, 282),
            (640, 300),
            (668, 360),
            (662, 470),
            (640, 560),
            (640, 620),
            (650, 780),
        ]
    )
    tips = [(424, 100), (513, 66), (592, 88), (668, 160)]
    knuckles = [(444, 316), (513, 306), (578, 311), (636, 336)]
    for knuckle, tip, r in zip(knuckles, tips, (28, 29, 28, 25), strict=True):
        d.limb(knuckle, tip, r, r - 4)
    thumb_joint, thumb_tip = (350, 488), (258, 392)
    d.limb((456, 598), thumb_joint, 44, 33)
    d.limb(thumb_joint, thumb_tip, 32, 27)
    d.shape(  # the web of skin between thumb and index finger
        [(456, 600), (376, 520), (334, 466), (372, 446), (402, 418), (418, 380), (426, 330)],
    )
    d.paint_body()
    bases = [(470, 568), (514, 572), (556, 574), (596, 572)]
    for i, (knuckle, base, tip) in enumerate(zip(knuckles, bases, tips, strict=True)):
        kx, ky = knuckle
        d.line([base, (kx, ky + 12)], BONE, width=3 if i == 0 else 2)
        d.line([(kx - 16, ky + 4), (kx, ky - 6), (kx + 16, ky + 4)], LANDMARK, smooth=True)
        for t in (0.42, 0.72):
            x, y = lerp(knuckle, tip, t)
            d.line([(x - 12, y), (x + 12, y)], LANDMARK, width=1.5)
        d.nail(lerp(knuckle, tip, 0.9))
    d.line([(448, 590), (352, 492)], BONE)
    d.line([(312, 470), (292, 450)], LANDMARK, width=1.5)
    index_mid = lerp(bases[0], knuckles[0], 0.5)
    d.note((210, 250), "web between thumb\nand index finger", target=(376, 430), anchor="rm")
    d.note((420, 640), "index finger bone\n(2nd metacarpal)", (index_mid[0] + 6, 500), "rm")
    d.point((index_mid[0] - 20, index_mid[1]), "LI4", (-96, -124))
    return d.save("li4-hegu.png")


def draw_bl62():
    d = Diagram("Outer side of the right foot and ankle\n(the same point is on the left foot)")
    d.shape(
        [
            (370, -120),
            (370, -40),
            (374, 120),
            (386, 262),
            (376, 380),
            (344, 462),
            (334, 520),
            (358, 560),
            (460, 572),
            (600, 574),
            (740, 568),
            (840, 562),
            (898, 548),
            (912, 522),
            (896, 496),
            (840, 480),
            (740, 456),
            (640, 420),
            (562, 380),
            (528, 330),
            (520, 200),
            (522, -40),
            (522, -120),
        ]
    )
    d.paint_body()
    malleolus = (448, 366)
    d.circle(malleolus, 26, outline=LANDMARK, width=2, fill=SKIN_SHADE)
    d.line([(382, 150), (392, 300), (372, 420)], BONE, smooth=True)  # Achilles tendon
    for x in (828, 862):
        d.line([(x, 488), (x + 6, 522), (x + 2, 556)], LANDMARK, width=1.5, smooth=True)
    d.note((290, 300), "outer ankle bone", target=(434, 352), anchor="rm")
    d.note((340, 610), "heel", anchor="mm")
    d.note((870, 610), "little toe", anchor="mm")
    d.point((malleolus[0], malleolus[1] + 26 + 20), "BL62", (160, 0))
    return d.save("bl62-shenmai.png")


def draw_ki1():
    # Seen from below, the right foot has its big toe on the right: the drawing is the left
    # foot's outline mirrored (x -> MIRROR - x).
    d = Diagram("Sole of the right foot, seen from below\n(the same point is on the left foot)")

    def m(points):
        return [(MIRROR - x, y) for x, y in points]

    d.shape(
        m(
            [
                (378, 236),
                (420, 196),
                (520, 192),
                (600, 212),
                (622, 262),
                (612, 340),
                (598, 430),
                (582, 520),
                (566, 594),
                (528, 640),
                (482, 650),
                (436, 636),
                (408, 590),
                (410, 520),
                (428, 450),
                (424, 380),
                (396, 310),
            ]
        )
    )
    toes = [((405, 146), 38, 70), ((474, 136), 23, 50), ((526, 152), 21, 44)]
    toes += [((572, 176), 19, 38), ((610, 206), 17, 30)]
    for (x, y), rx, ry in toes:
        d.oval((MIRROR - x, y), rx, ry)
    d.paint_body()
    d.line(m([(392, 300), (450, 322), (520, 326), (604, 300)]), LANDMARK, smooth=True)
    d.line(m([(420, 560), (482, 540), (566, 560)]), LANDMARK, smooth=True)
    # From the web between the 2nd and 3rd toes to the back of the heel.
    start, end = (MIRROR - 500, 196), (MIRROR - 482, 648)
    d.dashed([start, end], NOTE, width=1.5, dash=6, gap=5)
    for t in (1 / 3, 2 / 3):
        d.tick(lerp(start, end, t), end)
    d.note(
        (330, 150),
        "web between the\n2nd and 3rd toes",
        target=(start[0], start[1] + 2),
        anchor="rm",
    )
    d.note((330, 620), "back of the heel", target=(end[0] - 6, end[1] - 4), anchor="rm")
    d.note((330, 300), "ball of the foot", target=(MIRROR - 560, 262), anchor="rm")
    d.text(
        (680, 440),
        "KI1 is one third of the way\nfrom that web to the heel,\n"
        "in the hollow that appears\nwhen you curl your toes.",
    )
    d.point(lerp(start, end, 1 / 3), "KI1", (170, 0))
    return d.save("ki1-yongquan.png")


def draw_lr3():
    d = Diagram("Top of the right foot\n(the same point is on the left foot)")
    d.shape(
        [
            (372, 250),
            (404, 200),
            (520, 196),
            (610, 250),
            (604, 330),
            (586, 420),
            (568, 490),
            (574, 550),
            (566, 780),
            (410, 780),
            (400, 560),
            (392, 500),
            (394, 430),
            (380, 330),
        ]
    )
    toes = [((410, 148), 38, 72), ((478, 128), 23, 54), ((530, 148), 21, 48)]
    toes += [((575, 172), 19, 42), ((612, 204), 17, 34)]
    for centre, rx, ry in toes:
        d.oval(centre, rx, ry)
    d.paint_body()
    for (x, y), rx, ry in toes:
        nail = [(x - rx * 0.55, y - ry + 14), (x, y - ry + 7), (x + rx * 0.55, y - ry + 14)]
        d.line(nail, LANDMARK, width=1.5, smooth=True)
    # The big-toe and 2nd-toe bones (1st and 2nd metatarsals) meet at their bases.
    heads = [(414, 250), (476, 236), (526, 244), (570, 260), (606, 286)]
    bases = [(446, 452), (456, 450), (502, 440), (532, 440), (560, 448)]
    for i, (head, base) in enumerate(zip(heads, bases, strict=True)):
        d.line([head, base], BONE, width=3 if i < 2 else 2)
    web = (446, 214)
    meet = (451, 450)
    point = (450, 402)
    d.reference_point(web, "LR2", (-140, -20))
    d.dashed([(web[0], web[1] + 16), (point[0], point[1] - 18)], NOTE, width=1.5, dash=6, gap=5)
    d.note((330, 300), "slide up from\nthe web", (web[0] + 1, 300), "rm")
    d.note((330, 500), "the bones meet", target=meet, anchor="rm")
    d.note((690, 300), "big-toe bone", target=(426, 320))
    d.note((690, 350), "2nd-toe bone", target=(467, 340))
    d.text(
        (660, 430),
        "LR3 is in the hollow where\nyour finger stops, just in\nfront of where the bones meet.",
    )
    d.point(point, "LR3", (-140, 20))
    return d.save("lr3-taichong.png")


PICTURES = [
    draw_cv6,
    draw_bl23,
    draw_bl52,
    draw_bl53,
    draw_gb30,
    draw_bl40,
    draw_li4,
    draw_bl62,
    draw_ki1,
    draw_lr3,
]


def main():
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for draw in PICTURES:
        path = draw()
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
