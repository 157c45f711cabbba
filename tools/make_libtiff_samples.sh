#!/usr/bin/env bash
# Rebuilds tests/formats/libtiff/: small crops of two corpus images written by libtiff's tiffcp
# in every layout and compression bpcodec reads and rebuilds (strips, tiles, LZW with and without
# the predictor, PackBits, Deflate, big-endian, two pages). Needs ImageMagick and libtiff-tools
# (apt-get install imagemagick libtiff-tools); made with libtiff 4.5.0 (Debian 12).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/tests/formats/libtiff"
shared="$here/../shared"
mkdir -p "$out"
cd "$out"
rm -f ./*.tif
convert "$shared/corpus/photo/test/skimage_chelsea.pgm" -crop 97x61+100+80 +repage -compress none g8.tif
medical16="$(ls "$shared/corpus16/medical/test/" | head -1)"
convert "$shared/corpus16/medical/test/$medical16" -crop 83x57+40+40 +repage -compress none g16.tif
for c in lzw lzw:2 packbits zip; do
  n="${c//:/_}"
  tiffcp -c "$c" -r 16 g8.tif "g8_$n.tif"
  tiffcp -c "$c" -r 16 g16.tif "g16_$n.tif"
done
tiffcp -t -w 32 -l 32 -c lzw:2 g8.tif g8_tiled_lzw2.tif
tiffcp -t -w 32 -l 32 g16.tif g16_tiled.tif
tiffcp -B g16.tif g16_be.tif
tiffcp -c lzw g8.tif g16.tif pages_lzw.tif
