#!/usr/bin/env python3
"""Writes the app's PNG icons (web/icons/): a rounded square with three memory bars, drawn pixel by pixel
with the standard library only (zlib + struct), so the build needs no image tool. Run: python3 scripts/make-icons.py"""
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(__file__), '..', 'web', 'icons')
BG = (11, 92, 173)        # --accent of web/style.css
BARS = [((255, 255, 255), 0.78), ((188, 140, 255), 0.55), ((210, 153, 34), 0.36)]


def png(path, size, maskable):
    # A maskable icon keeps its content inside the central 80 % safe zone and fills the whole square.
    pad = 0.0 if maskable else 0.06
    radius = 0.0 if maskable else 0.18 * size
    inner = 0.2 if maskable else 0.18
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            fx, fy = x + 0.5, y + 0.5
            lo, hi = pad * size, (1 - pad) * size
            inside = lo <= fx <= hi and lo <= fy <= hi
            if inside and radius:
                cx = min(max(fx, lo + radius), hi - radius)
                cy = min(max(fy, lo + radius), hi - radius)
                inside = (fx - cx) ** 2 + (fy - cy) ** 2 <= radius ** 2
            color, alpha = BG, 255 if inside else 0
            if inside:
                left = (inner + 0.02) * size
                for i, (bar, length) in enumerate(BARS):
                    top = (inner + 0.08 + i * 0.2) * size
                    if top <= fy <= top + 0.13 * size and left <= fx <= left + length * (1 - 2 * inner) * size:
                        color = bar
            row += bytes(color) + bytes([alpha])
        rows.append(bytes(row))
    raw = zlib.compress(b''.join(rows), 9)
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', size, size, 8, 6, 0, 0, 0)) + chunk(b'IDAT', raw) + chunk(b'IEND', b''))


os.makedirs(OUT, exist_ok=True)
png(os.path.join(OUT, 'icon-192.png'), 192, False)
png(os.path.join(OUT, 'icon-512.png'), 512, False)
png(os.path.join(OUT, 'icon-maskable-512.png'), 512, True)
