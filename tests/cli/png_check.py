"""A screenshot is not blank: many colours, mostly not white, and at least two of the map's
coverage classes visible. Decodes the PNG with the standard library only.
usage: png_check.py FILE.png"""
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat, ihdr = 8, b'', None
while pos < len(data):
    n, typ = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if typ == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
    elif typ == b'IDAT': idat += body
    pos += 12 + n
w, h, depth, ctype = ihdr[0], ihdr[1], ihdr[2], ihdr[3]
assert depth == 8 and ctype in (2, 6), 'unexpected PNG format %r' % (ihdr,)
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours, nonwhite, red, pos = {}, 0, 0, 0
for y in range(h):
    f = raw[pos]; line = bytearray(raw[pos + 1:pos + 1 + stride]); pos += 1 + stride
    if f == 1:
        for i in range(bpp, stride): line[i] = (line[i] + line[i - bpp]) & 255
    elif f == 2:
        line = bytearray((a + b) & 255 for a, b in zip(line, prev))
    elif f == 3:
        for i in range(stride): line[i] = (line[i] + (((line[i - bpp] if i >= bpp else 0) + prev[i]) >> 1)) & 255
    elif f == 4:
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    for x in range(0, stride, bpp * 2):  # every other pixel is plenty
        px = bytes(line[x:x + 3])
        colours[px] = colours.get(px, 0) + 1
        if px != b'\xff\xff\xff': nonwhite += 1
        if px[0] > 200 and px[1] < 60 and px[2] < 60: red += 1
total = sum(colours.values())
print('size %dx%d, %d distinct colours, %.1f%% not white, %d red pixels' % (w, h, len(colours), 100.0 * nonwhite / total, red))
share = {'#%02x%02x%02x' % tuple(k): v for k, v in colours.items()}
classes = [c for c in ('#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494') if share.get(c, 0) > 50]
print('coverage classes visible: %s' % ' '.join(classes))
ok = len(colours) >= 50 and nonwhite > total * 0.1 and len(classes) >= 2
sys.exit(0 if ok else 1)
