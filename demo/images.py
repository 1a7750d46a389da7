"""Pictures for the demo listings, drawn with Pillow: a gradient in the field's colour and a simple motif.

No text and no fonts: each field has its motif (a circuit, a neural network, a
double helix, a lattice, gears, ...), placed and varied by a seeded generator,
so the same seed always gives the same picture. They are 800 × 600 JPEGs: big
enough for the detail page, small enough for the seed to stay quick (the
listing service re-encodes every upload and writes two renditions).
"""

from __future__ import annotations

import io
import itertools
import math
import random
from collections.abc import Callable

from PIL import Image, ImageDraw

SIZE = (800, 600)
Colour = tuple[int, int, int]


def _mix(colour: Colour, other: Colour, amount: float) -> Colour:
    return tuple(round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True))


def _background(colour: Colour, rng: random.Random) -> Image.Image:
    """A diagonal gradient from a dark shade of the colour to a light one, at a random angle."""
    dark, light = _mix(colour, (0, 0, 0), 0.35), _mix(colour, (255, 255, 255), 0.45)
    mask = Image.linear_gradient("L").rotate(rng.uniform(0, 360), resample=Image.Resampling.BILINEAR, expand=False)
    mask = mask.crop((48, 48, 208, 208)).resize(SIZE, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", SIZE, light), Image.new("RGB", SIZE, dark), mask)


def _circuit(draw: ImageDraw.ImageDraw, rng: random.Random, ink: Colour) -> None:
    cx, cy = rng.randint(300, 500), rng.randint(220, 380)
    draw.rectangle((cx - 90, cy - 90, cx + 90, cy + 90), outline=ink, width=6)
    for dx, dy in ((0, -1), (-1, 0), (0, 1), (1, 0)):  # up, left, down, right
        for step in range(-60, 61, 30):
            x, y = (cx + step, cy + 90 * dy) if dx == 0 else (cx + 90 * dx, cy + step)
            length = rng.randint(60, 260)
            bend = rng.randint(20, length - 10)
            x1, y1 = x + dx * bend, y + dy * bend
            turn = rng.choice((-1, 1)) * rng.randint(20, 80)
            x2, y2 = (x1 + turn, y1) if dx == 0 else (x1, y1 + turn)
            x3, y3 = x2 + dx * (length - bend), y2 + dy * (length - bend)
            draw.line((x, y, x1, y1, x2, y2, x3, y3), fill=ink, width=3)
            draw.ellipse((x3 - 7, y3 - 7, x3 + 7, y3 + 7), outline=ink, width=3)


def _network(draw: ImageDraw.ImageDraw, rng: random.Random, ink: Colour) -> None:
    layers = [rng.randint(3, 6) for _ in range(rng.randint(3, 5))]
    columns = [100 + i * 600 / (len(layers) - 1) for i in range(len(layers))]
    nodes = [[(x, 300 + (j - (n - 1) / 2) * 90) for j in range(n)] for x, n in zip(columns, layers, strict=True)]
    for left, right in itertools.pairwise(nodes):
        for a in left:
            for b in right:
                draw.line((*a, *b), fill=ink, width=2)
    for layer in nodes:
        for x, y in layer:
            draw.ellipse((x - 18, y - 18, x + 18, y + 18), fill=ink)


def _helix(draw: ImageDraw.ImageDraw, rng: random.Random, ink: Colour) -> None:
    phase, amplitude, y0 = rng.uniform(0, math.pi), rng.randint(80, 130), rng.randint(250, 350)
    points = range(40, 761, 8)
    upper = [(x, y0 + amplitude * math.sin(x / 70 + phase)) for x in points]
    lower = [(x, y0 - amplitude * math.sin(x / 70 + phase)) for x in points]
    for (x, a), (_, b) in list(zip(upper, lower, strict=True))[::3]:
        draw.line((x, a, x, b), fill=ink, width=3)
    draw.line(upper, fill=ink, width=8)
    draw.line(lower, fill=ink, width=8)


def _lattice(draw: ImageDraw.ImageDraw, rng: random.Random, ink: Colour) -> None:
    radius = rng.randint(40, 60)
    width, height = radius * math.sqrt(3), radius * 1.5
    for row in range(-1, int(600 / height) + 2):
        for column in range(-1, int(800 / width) + 2):
            cx = column * width + (width / 2 if row % 2 else 0)
            cy = row * height
            corners = [
                (cx + radius * math.cos(math.radians(60 * k + 30)), cy + radius * math.sin(math.radians(60 * k + 30)))
                for k in range(6)
            ]
            draw.polygon(corners, outline=ink, width=3)
            if rng.random() < 0.15:
                draw.ellipse((cx - 10, cy - 10, cx + 10, cy + 10), fill=ink)


def _gear(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float, teeth: int, ink: Colour) -> None:
    points = []
    for k in range(teeth * 2):
        r = radius if k % 2 == 0 else radius * 0.82
        for offset in (-0.25, 0.25):
            angle = 2 * math.pi * (k + offset + 0.5) / (teeth * 2)
            points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, outline=ink, width=6)
    draw.ellipse((cx - radius * 0.3, cy - radius * 0.3, cx + radius * 0.3, cy + radius * 0.3), outline=ink, width=6)


def _gears(draw: ImageDraw.ImageDraw, rng: random.Random, ink: Colour) -> None:
    big = rng.randint(130, 170)
    cx, cy = rng.randint(260, 340), rng.randint(260, 340)
    _gear(draw, cx, cy, big, 14, ink)
    small = rng.randint(70, 95)
    angle = rng.uniform(-0.6, 0.6)
    distance = (big + small) * 0.92
    _gear(draw, cx + distance * math.cos(angle), cy + distance * math.sin(angle), small, 9, ink)


def _sun(draw: ImageDraw.ImageDraw, rng: random.Random, ink: Colour) -> None:
    cx, cy, radius = rng.randint(180, 260), rng.randint(160, 220), rng.randint(60, 80)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=ink)
    for k in range(12):
        angle = 2 * math.pi * k / 12
        inner, outer = radius + 20, radius + 60
        draw.line(
            (
                cx + inner * math.cos(angle),
                cy + inner * math.sin(angle),
                cx + outer * math.cos(angle),
                cy + outer * math.sin(angle),
            ),
            fill=ink,
            width=6,
        )
    # A battery with its charge bars.
    left, top = rng.randint(430, 480), rng.randint(280, 340)
    draw.rounded_rectangle((left, top, left + 240, top + 140), radius=16, outline=ink, width=8)
    draw.rectangle((left + 240, top + 45, left + 262, top + 95), fill=ink)
    for bar in range(rng.randint(2, 4)):
        x = left + 20 + bar * 55
        draw.rectangle((x, top + 20, x + 40, top + 120), fill=ink)


def _car(draw: ImageDraw.ImageDraw, rng: random.Random, ink: Colour) -> None:
    base, left = rng.randint(360, 420), rng.randint(120, 200)
    body = [
        (left, base),
        (left, base - 70),
        (left + 110, base - 90),
        (left + 190, base - 160),
        (left + 360, base - 160),
        (left + 450, base - 90),
        (left + 520, base - 80),
        (left + 520, base),
    ]
    draw.polygon(body, outline=ink, width=8)
    for x in (left + 120, left + 410):
        draw.ellipse((x - 55, base - 55, x + 55, base + 55), fill=_mix(ink, (0, 0, 0), 0.1), outline=ink, width=8)
    # A lightning bolt above: the car is electric.
    bx, by = left + 275, base - 300
    draw.polygon(
        [
            (bx, by),
            (bx - 40, by + 70),
            (bx - 5, by + 70),
            (bx - 25, by + 130),
            (bx + 40, by + 50),
            (bx + 5, by + 50),
            (bx + 25, by),
        ],
        fill=ink,
    )


def _orbits(draw: ImageDraw.ImageDraw, rng: random.Random, ink: Colour) -> None:
    cx, cy = rng.randint(340, 460), rng.randint(260, 340)
    for k in range(3):
        angle = math.pi * k / 3 + rng.uniform(-0.1, 0.1)
        points = []
        for step in range(0, 361, 6):
            t = math.radians(step)
            x, y = 250 * math.cos(t), 90 * math.sin(t)
            points.append(
                (cx + x * math.cos(angle) - y * math.sin(angle), cy + x * math.sin(angle) + y * math.cos(angle))
            )
        draw.line(points, fill=ink, width=5)
        t = rng.uniform(0, 2 * math.pi)
        x, y = 250 * math.cos(t), 90 * math.sin(t)
        ex, ey = cx + x * math.cos(angle) - y * math.sin(angle), cy + x * math.sin(angle) + y * math.cos(angle)
        draw.ellipse((ex - 14, ey - 14, ex + 14, ey + 14), fill=ink)
    draw.ellipse((cx - 34, cy - 34, cx + 34, cy + 34), fill=ink)


def _leaves(draw: ImageDraw.ImageDraw, rng: random.Random, ink: Colour) -> None:
    for _ in range(rng.randint(4, 7)):
        cx, cy, size = rng.randint(100, 700), rng.randint(100, 500), rng.randint(60, 120)
        angle = rng.uniform(0, math.pi)
        outline = []
        for step in range(0, 361, 10):
            t = math.radians(step)
            x, y = size * math.cos(t), size * 0.45 * math.sin(t) * abs(math.sin(t / 2) + 0.3)
            outline.append(
                (cx + x * math.cos(angle) - y * math.sin(angle), cy + x * math.sin(angle) + y * math.cos(angle))
            )
        draw.polygon(outline, outline=ink, width=5)
        draw.line(
            (
                cx - size * math.cos(angle),
                cy - size * math.sin(angle),
                cx + size * math.cos(angle),
                cy + size * math.sin(angle),
            ),
            fill=ink,
            width=3,
        )


def _chart(draw: ImageDraw.ImageDraw, rng: random.Random, ink: Colour) -> None:
    bars = rng.randint(5, 8)
    width = 520 / bars
    heights = sorted(rng.randint(60, 380) for _ in range(bars))
    if rng.random() < 0.5:
        rng.shuffle(heights)
    for k, height in enumerate(heights):
        x = 140 + k * width
        draw.rectangle((x + 8, 500 - height, x + width - 8, 500), fill=ink)
    draw.line((120, 80, 120, 510, 690, 510), fill=ink, width=6)
    points = [(140 + (k + 0.5) * width, 480 - h - rng.randint(10, 40)) for k, h in enumerate(heights)]
    draw.line(points, fill=_mix(ink, (0, 0, 0), 0.3), width=5)


def _signal(draw: ImageDraw.ImageDraw, rng: random.Random, ink: Colour) -> None:
    for k in range(3):
        y0, amplitude, period = 160 + k * 140, rng.randint(30, 60), rng.uniform(20, 60)
        kind = rng.choice(("sine", "square", "pulse"))
        points = []
        for x in range(60, 741, 4):
            wave = math.sin(x / period)
            if kind == "square":
                wave = 1 if wave >= 0 else -1
            elif kind == "pulse":
                wave = math.exp(-(((x - 400) / 60) ** 2)) * math.cos(x / period * 3)
            points.append((x, y0 - amplitude * wave))
        draw.line(points, fill=ink, width=5)


def _satellite(draw: ImageDraw.ImageDraw, rng: random.Random, ink: Colour) -> None:
    for _ in range(30):
        x, y, r = rng.randint(0, 800), rng.randint(0, 600), rng.randint(2, 4)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=ink)
    draw.arc((-200, 380, 1000, 1100), 200, 340, fill=ink, width=8)
    cx, cy = rng.randint(330, 470), rng.randint(200, 280)
    draw.rectangle((cx - 45, cy - 45, cx + 45, cy + 45), outline=ink, width=8)
    for side in (-1, 1):
        x0 = cx + side * 55
        x1 = cx + side * 235
        draw.line((x0, cy, cx + side * 45, cy), fill=ink, width=6)
        draw.rectangle((min(x0, x1), cy - 40, max(x0, x1), cy + 40), outline=ink, width=6)
        for k in range(1, 4):
            x = x0 + side * 45 * k
            draw.line((x, cy - 40, x, cy + 40), fill=ink, width=3)


def _grain(draw: ImageDraw.ImageDraw, rng: random.Random, ink: Colour) -> None:
    for k in range(rng.randint(5, 8)):
        x = 110 + k * 90 + rng.randint(-20, 20)
        top = rng.randint(80, 200)
        bend = rng.randint(-60, 60)
        draw.line((x, 560, x + bend / 2, (560 + top) / 2, x + bend, top), fill=ink, width=5)
        for grain in range(6):
            gy = top + grain * 28
            gx = x + bend - bend * grain / 12
            draw.ellipse((gx - 26, gy - 9, gx - 4, gy + 9), fill=ink)
            draw.ellipse((gx + 4, gy - 9, gx + 26, gy + 9), fill=ink)


def _sea(draw: ImageDraw.ImageDraw, rng: random.Random, ink: Colour) -> None:
    for k in range(4):
        y0, phase = 380 + k * 55, rng.uniform(0, 6)
        draw.line([(x, y0 + 14 * math.sin(x / 45 + phase)) for x in range(0, 801, 8)], fill=ink, width=5)
    left, deck = rng.randint(200, 320), rng.randint(330, 350)
    draw.polygon([(left, deck), (left + 360, deck), (left + 310, deck + 60), (left + 40, deck + 60)], fill=ink)
    draw.rectangle((left + 90, deck - 70, left + 230, deck), outline=ink, width=6)
    draw.rectangle((left + 150, deck - 140, left + 185, deck - 70), fill=ink)


MOTIFS: dict[str, Callable[[ImageDraw.ImageDraw, random.Random, Colour], None]] = {
    "circuit": _circuit,
    "network": _network,
    "helix": _helix,
    "lattice": _lattice,
    "gears": _gears,
    "sun": _sun,
    "car": _car,
    "orbits": _orbits,
    "leaves": _leaves,
    "chart": _chart,
    "signal": _signal,
    "satellite": _satellite,
    "grain": _grain,
    "sea": _sea,
}


def demo_picture(motif: str, colour: Colour, seed: int) -> bytes:
    """A JPEG of the motif on a gradient in the colour; the same arguments give the same bytes."""
    rng = random.Random(seed)  # noqa: S311 - demo pictures, reproducible on purpose
    image = _background(colour, rng)
    draw = ImageDraw.Draw(image)
    MOTIFS[motif](draw, rng, _mix(colour, (255, 255, 255), 0.8))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
