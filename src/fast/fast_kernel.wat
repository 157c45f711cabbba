;; The fast level's coder (docs/fast-level.md): per-sample prediction, contexts and the binary
;; range coder, for encoding and decoding alike (one code path; $decoding says which).
;; tools/build_wasm.ts compiles this file into fast_kernel_wasm.ts; the tests check that they
;; agree. codec.ts instantiates it and moves rows and stream bytes in and out.
;;
;; Memory, byte offsets:
;;   0        WEIGHT: 1024 i32, WEIGHT[i] = floor(2^24 / (i + 1))
;;   4096     RC: 257 i32, RC[n] = floor((2^17 + n) / 2n), RC[0] = 0
;;   8192     probability slots (u32): the general path's 2400 (HIT 320, ZERO 240, SIGN 480,
;;            UNARY 680, MANT 680) or the bilevel path's 65536
;;   270336   bias sums, 365 i32; at 271872 bias counts, 365 i32
;;   274432   QT: gradient g (−65535…65535) at g + 65535 → its class −4…4 (i8)
;;   405504   match table, 2^14 buckets of 16 u32 entries: value << 16 | count << 8 | check
;;   1454080  three sample rows (u16, 4 pad samples each side), two error rows (16 bytes per
;;            column, one pad column each side), then the stream
(module
  (memory (export "memory") 1)

  (global $width (mut i32) (i32.const 0))
  (global $bits (mut i32) (i32.const 0))
  (global $maxv (mut i32) (i32.const 0))
  (global $fill (mut i32) (i32.const 0))
  (global $errorShift (mut i32) (i32.const 0))
  (global $rowBytes (mut i32) (i32.const 0))
  (global $errorRowBytes (mut i32) (i32.const 0))
  ;; address of sample 0 of the current row and of the two above it
  (global $cur (mut i32) (i32.const 0))
  (global $prev (mut i32) (i32.const 0))
  (global $prev2 (mut i32) (i32.const 0))
  ;; address of column 0 of the current and previous error rows
  (global $ecur (mut i32) (i32.const 0))
  (global $eprev (mut i32) (i32.const 0))
  ;; the coder: 1 when decoding; range, low (encoder) or code (decoder); the encoder's cached
  ;; byte, its count of pending 0xFF bytes, whether the cached byte is the first; the stream
  ;; position, the end of the input and whether the decoder read past it
  (global $decoding (mut i32) (i32.const 0))
  (global $range (mut i32) (i32.const -1))
  (global $low (mut i64) (i64.const 0))
  (global $code (mut i32) (i32.const 0))
  (global $cache (mut i32) (i32.const 0))
  (global $pending (mut i32) (i32.const 0))
  (global $first (mut i32) (i32.const 1))
  (global $at (mut i32) (i32.const 0))
  (global $end (mut i32) (i32.const 0))
  (global $overrun (mut i32) (i32.const 0))
  ;; the XOR of a word of every match bucket touched ahead (kept, so the loads stay)
  (global $touch (mut i32) (i32.const 0))
  ;; how many samples of the previous row had a flat context (W = N = NW = NE)
  (global $flatRow (mut i32) (i32.const 0))
  ;; the probability slots' largest adaptation shift: 7 (general path) or 5 (bilevel)
  (global $limit (mut i32) (i32.const 7))

  ;; ---- the range coder --------------------------------------------------------------------
  ;; Encoder: moves the top byte of low out, through the cache (for a carry) and pending 0xFFs.
  (func $shiftLow
    (local $carry i32)
    (if (i32.or
          (i32.lt_u (i32.wrap_i64 (global.get $low)) (i32.const 0xff000000))
          (i64.ne (i64.shr_u (global.get $low) (i64.const 32)) (i64.const 0)))
      (then
        (local.set $carry (i32.wrap_i64 (i64.shr_u (global.get $low) (i64.const 32))))
        (if (global.get $first)
          (then (global.set $first (i32.const 0)))
          (else (call $put (i32.add (global.get $cache) (local.get $carry)))))
        (block $done
          (loop $ones
            (br_if $done (i32.eqz (global.get $pending)))
            (call $put (i32.add (i32.const 0xff) (local.get $carry)))
            (global.set $pending (i32.sub (global.get $pending) (i32.const 1)))
            (br $ones)))
        (global.set $cache (i32.shr_u (i32.wrap_i64 (global.get $low)) (i32.const 24))))
      (else (global.set $pending (i32.add (global.get $pending) (i32.const 1)))))
    (global.set $low (i64.shl (i64.and (global.get $low) (i64.const 0xffffff)) (i64.const 8))))

  (func $put (param $byte i32)
    (i32.store8 (global.get $at) (local.get $byte))
    (global.set $at (i32.add (global.get $at) (i32.const 1))))

  ;; Decoder: the next stream byte, or 0 past the end (noted in $overrun).
  (func $next (result i32)
    (local $byte i32)
    (if (i32.lt_u (global.get $at) (global.get $end))
      (then
        (local.set $byte (i32.load8_u (global.get $at)))
        (global.set $at (i32.add (global.get $at) (i32.const 1))))
      (else (global.set $overrun (i32.const 1))))
    (local.get $byte))

  ;; Shifts the range up (and a byte out or in) while it is below 2^24.
  (func $normalize
    (loop $shift
      (if (i32.lt_u (global.get $range) (i32.const 0x1000000))
        (then
          (global.set $range (i32.shl (global.get $range) (i32.const 8)))
          (if (global.get $decoding)
            (then (global.set $code
              (i32.or (i32.shl (global.get $code) (i32.const 8)) (call $next))))
            (else (call $shiftLow)))
          (br $shift)))))

  ;; Codes one decision with the slot at byte address $slot: the encoder codes $bit, the
  ;; decoder ignores it; both return the decision and adapt the slot. A slot holds the
  ;; probability of a 1 in its top 28 bits (of 2^32) and its count (0…limit − 1) in the low 4.
  (func $bit (param $slot i32) (param $bit i32) (result i32)
    (local $state i32) (local $p i32) (local $bound i32) (local $count i32) (local $shift i32)
    (local.set $state (i32.load (local.get $slot)))
    (local.set $p (i32.shr_u (local.get $state) (i32.const 16)))
    (local.set $bound (i32.mul
      (i32.shr_u (global.get $range) (i32.const 16))
      (select (local.get $p) (i32.const 1) (local.get $p))))
    (if (global.get $decoding)
      (then (local.set $bit (i32.lt_u (global.get $code) (local.get $bound)))))
    (if (local.get $bit)
      (then (global.set $range (local.get $bound)))
      (else
        (global.set $range (i32.sub (global.get $range) (local.get $bound)))
        (if (global.get $decoding)
          (then (global.set $code (i32.sub (global.get $code) (local.get $bound))))
          (else (global.set $low
            (i64.add (global.get $low) (i64.extend_i32_u (local.get $bound))))))))
    (local.set $count (i32.and (local.get $state) (i32.const 15)))
    (local.set $shift (i32.add (local.get $count) (i32.const 1)))
    (local.set $p (i32.and (local.get $state) (i32.const -16)))
    (local.set $p (if (result i32) (local.get $bit)
      (then (i32.add (local.get $p)
        (i32.shr_u (i32.xor (local.get $p) (i32.const -1)) (local.get $shift))))
      (else (i32.sub (local.get $p) (i32.shr_u (local.get $p) (local.get $shift))))))
    (i32.store (local.get $slot) (i32.or
      (i32.and (local.get $p) (i32.const -16))
      (select (local.get $shift) (local.get $count)
        (i32.lt_u (local.get $shift) (global.get $limit)))))
    (call $normalize)
    (local.get $bit))

  ;; Codes the low $n bits of $value (most significant first) at probability 1/2, in chunks of
  ;; up to 8 bits that each split the range into 2^c equal parts; returns them.
  (func $bypass (param $n i32) (param $value i32) (result i32)
    (local $result i32) (local $c i32) (local $q i32)
    (block $done
      (loop $chunks
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $c (select (local.get $n) (i32.const 8) (i32.lt_u (local.get $n) (i32.const 8))))
        (local.set $n (i32.sub (local.get $n) (local.get $c)))
        (global.set $range (i32.shr_u (global.get $range) (local.get $c)))
        (if (global.get $decoding)
          (then
            (local.set $q (i32.div_u (global.get $code) (global.get $range)))
            (local.set $q (select (local.get $q)
              (i32.sub (i32.shl (i32.const 1) (local.get $c)) (i32.const 1))
              (i32.lt_u (local.get $q) (i32.shl (i32.const 1) (local.get $c)))))
            (global.set $code (i32.sub (global.get $code)
              (i32.mul (local.get $q) (global.get $range)))))
          (else
            (local.set $q (i32.and (i32.shr_u (local.get $value) (local.get $n))
              (i32.sub (i32.shl (i32.const 1) (local.get $c)) (i32.const 1))))
            (global.set $low (i64.add (global.get $low)
              (i64.mul (i64.extend_i32_u (local.get $q)) (i64.extend_i32_u (global.get $range)))))))
        (local.set $result (i32.or (i32.shl (local.get $result) (local.get $c)) (local.get $q)))
        (call $normalize)
        (br $chunks)))
    (local.get $result))

  ;; ---- set-up -----------------------------------------------------------------------------
  (func $clamp (param $v i32) (result i32)
    (select (global.get $maxv)
      (select (i32.const 0) (local.get $v) (i32.lt_s (local.get $v) (i32.const 0)))
      (i32.gt_s (local.get $v) (global.get $maxv))))

  ;; Gives the gradients $from…$to (none if $to < $from) class $class in QT.
  (func $classes (param $from i32) (param $to i32) (param $class i32)
    (if (i32.le_s (local.get $from) (local.get $to))
      (then (memory.fill (i32.add (local.get $from) (i32.const 339967)) (local.get $class)
        (i32.add (i32.sub (local.get $to) (local.get $from)) (i32.const 1))))))

  ;; A JPEG-LS threshold: t << (bits − 8) from 8 bits up, else max(least, t >> (8 − bits)).
  (func $threshold (param $t i32) (param $least i32) (result i32)
    (local $v i32)
    (if (result i32) (i32.ge_u (global.get $bits) (i32.const 8))
      (then (i32.shl (local.get $t) (i32.sub (global.get $bits) (i32.const 8))))
      (else
        (local.set $v (i32.shr_u (local.get $t) (i32.sub (i32.const 8) (global.get $bits))))
        (select (local.get $v) (local.get $least) (i32.gt_s (local.get $v) (local.get $least))))))

  ;; Sets up a coder for stripes of up to $width columns of $bits-bit samples, with room for
  ;; $streamBytes stream bytes; returns the stream's address (the decoder's input goes there),
  ;; or 0 when the memory cannot grow.
  (func (export "init") (param $width i32) (param $bits i32) (param $decoding i32)
    (param $streamBytes i32) (result i32)
    (local $i i32) (local $t1 i32) (local $t2 i32) (local $t3 i32) (local $stream i32)
    (global.set $width (local.get $width))
    (global.set $bits (local.get $bits))
    (global.set $maxv (i32.sub (i32.shl (i32.const 1) (local.get $bits)) (i32.const 1)))
    (global.set $fill (select (i32.const 0)
      (i32.shl (i32.const 1) (i32.sub (local.get $bits) (i32.const 1)))
      (i32.eq (local.get $bits) (i32.const 1))))
    (global.set $limit (select (i32.const 5) (i32.const 7)
      (i32.eq (local.get $bits) (i32.const 1))))
    (global.set $errorShift (select (i32.sub (local.get $bits) (i32.const 8)) (i32.const 0)
      (i32.gt_u (local.get $bits) (i32.const 8))))
    (global.set $decoding (local.get $decoding))
    (global.set $rowBytes (i32.shl (i32.add (local.get $width) (i32.const 8)) (i32.const 1)))
    (global.set $errorRowBytes (i32.shl (i32.add (local.get $width) (i32.const 2)) (i32.const 4)))
    (local.set $stream (i32.add (i32.const 1454080) (i32.add
      (i32.mul (global.get $rowBytes) (i32.const 3))
      (i32.shl (global.get $errorRowBytes) (i32.const 1)))))
    (local.set $stream (i32.and (i32.add (local.get $stream) (i32.const 15)) (i32.const -16)))
    (global.set $at (local.get $stream))
    (global.set $end (local.get $stream))
    (if (i32.eqz (call $reserve (local.get $streamBytes))) (then (return (i32.const 0))))
    ;; tables
    (loop $weights
      (i32.store (i32.shl (local.get $i) (i32.const 2))
        (i32.div_u (i32.const 0x1000000) (i32.add (local.get $i) (i32.const 1))))
      (br_if $weights (i32.lt_u
        (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1024))))
    (local.set $i (i32.const 1))
    (loop $rc
      (i32.store offset=4096 (i32.shl (local.get $i) (i32.const 2))
        (i32.div_u (i32.add (i32.const 0x20000) (local.get $i)) (i32.shl (local.get $i) (i32.const 1))))
      (br_if $rc (i32.le_u
        (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 256))))
    (local.set $i (i32.const 0))
    (loop $slots
      (i32.store offset=8192 (i32.shl (local.get $i) (i32.const 2)) (i32.const 0x80000000))
      (br_if $slots (i32.lt_u
        (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (select (i32.const 65536) (i32.const 2400) (i32.eq (local.get $bits) (i32.const 1))))))
    (local.set $t1 (call $threshold (i32.const 3) (i32.const 1)))
    (local.set $t2 (call $threshold (i32.const 7) (i32.const 2)))
    (local.set $t3 (call $threshold (i32.const 21) (i32.const 3)))
    (call $classes (i32.sub (i32.const 0) (global.get $maxv))
      (i32.sub (i32.const 0) (local.get $t3)) (i32.const -4))
    (call $classes (i32.sub (i32.const 1) (local.get $t3))
      (i32.sub (i32.const 0) (local.get $t2)) (i32.const -3))
    (call $classes (i32.sub (i32.const 1) (local.get $t2))
      (i32.sub (i32.const 0) (local.get $t1)) (i32.const -2))
    (call $classes (i32.sub (i32.const 1) (local.get $t1)) (i32.const -1) (i32.const -1))
    (call $classes (i32.const 0) (i32.const 0) (i32.const 0))
    (call $classes (i32.const 1) (i32.sub (local.get $t1) (i32.const 1)) (i32.const 1))
    (call $classes (local.get $t1) (i32.sub (local.get $t2) (i32.const 1)) (i32.const 2))
    (call $classes (local.get $t2) (i32.sub (local.get $t3) (i32.const 1)) (i32.const 3))
    (call $classes (local.get $t3) (global.get $maxv) (i32.const 4))
    (if (local.get $decoding)
      (then (global.set $end (i32.add (local.get $stream) (local.get $streamBytes)))))
    (local.get $stream))

  ;; Grows the memory so that $bytes more stream bytes fit after the stream position and the
  ;; encoder's bytes not written yet; returns 0 when it cannot.
  (func $reserve (param $bytes i32) (result i32)
    (local $need i64) (local $have i64)
    (local.set $need (i64.add
      (i64.add (i64.extend_i32_u (global.get $at)) (i64.extend_i32_u (global.get $pending)))
      (i64.add (i64.extend_i32_u (local.get $bytes)) (i64.const 1))))
    (local.set $have (i64.shl (i64.extend_i32_u (memory.size)) (i64.const 16)))
    (if (i64.gt_u (local.get $need) (local.get $have))
      (then (return (i32.ne (i32.const -1) (memory.grow (i32.wrap_i64 (i64.shr_u
        (i64.add (i64.sub (local.get $need) (local.get $have)) (i64.const 0xffff))
        (i64.const 16))))))))
    (i32.const 1))
  (export "reserve" (func $reserve))

  ;; Starts a stripe of $width columns: every sample of the rows above it is the fill value
  ;; (2^(bits − 1), 0 for bilevel images), every error 0.
  (func (export "startStripe") (param $width i32)
    (local $i i32) (local $rows i32)
    (global.set $width (local.get $width))
    (global.set $flatRow (local.get $width))
    (local.set $rows (i32.const 1454080))
    (local.set $i (i32.const 0))
    (loop $samples
      (i32.store16 (i32.add (local.get $rows) (local.get $i)) (global.get $fill))
      (br_if $samples (i32.lt_u
        (local.tee $i (i32.add (local.get $i) (i32.const 2)))
        (i32.mul (global.get $rowBytes) (i32.const 3)))))
    (memory.fill (i32.add (local.get $rows) (local.get $i)) (i32.const 0)
      (i32.shl (global.get $errorRowBytes) (i32.const 1)))
    (global.set $cur (i32.add (local.get $rows) (i32.const 8)))
    (global.set $prev (i32.add (global.get $cur) (global.get $rowBytes)))
    (global.set $prev2 (i32.add (global.get $prev) (global.get $rowBytes)))
    (global.set $ecur (i32.add (local.get $i) (i32.add (local.get $rows) (i32.const 16))))
    (global.set $eprev (i32.add (global.get $ecur) (global.get $errorRowBytes))))

  ;; The address of sample 0 of the row to code next (the encoder writes it there before
  ;; codeRow; the decoder's codeRow leaves it there).
  (func (export "rowAt") (result i32) (global.get $cur))

  ;; The decoder starts: the first four stream bytes are the code.
  (func (export "startDecoding")
    (global.set $code (i32.or
      (i32.or (i32.shl (call $next) (i32.const 24)) (i32.shl (call $next) (i32.const 16)))
      (i32.or (i32.shl (call $next) (i32.const 8)) (call $next)))))

  ;; The encoder's last bytes; returns the end of the stream.
  (func (export "finish") (result i32)
    (call $shiftLow) (call $shiftLow) (call $shiftLow) (call $shiftLow) (call $shiftLow)
    (global.get $at))

  ;; Decoder: the stream bytes not read yet, or −1 if it read past the end.
  (func (export "unread") (result i32)
    (select (i32.const -1) (i32.sub (global.get $end) (global.get $at)) (global.get $overrun)))

  ;; ---- the general path (2…16 bits) -------------------------------------------------------
  ;; The class (−4…4) of gradient $g (QT).
  (func $gradient (param $g i32) (result i32)
    (i32.load8_s (i32.add (local.get $g) (i32.const 339967))))

  (func $abs (param $v i32) (result i32)
    (select (i32.sub (i32.const 0) (local.get $v)) (local.get $v)
      (i32.lt_s (local.get $v) (i32.const 0))))

  ;; The activity level of activity $a: $a below 4, else 2·floor(log2 a) + the bit below the top.
  (func $level (param $a i32) (result i32)
    (local $top i32)
    (if (result i32) (i32.lt_u (local.get $a) (i32.const 4))
      (then (local.get $a))
      (else
        (local.set $top (i32.sub (i32.const 31) (i32.clz (local.get $a))))
        (i32.add (i32.shl (local.get $top) (i32.const 1))
          (i32.and (i32.shr_u (local.get $a) (i32.sub (local.get $top) (i32.const 1)))
            (i32.const 1))))))

  ;; Codes the magnitude |e| ≥ 1 (the encoder's $e) at level $L; returns it.
  (func $magnitude (param $e i32) (param $L i32) (result i32)
    (local $m i32) (local $shift i32) (local $t i32) (local $kCoded i32) (local $k i32)
    (local $row i32)
    (local.set $m (i32.sub (call $abs (local.get $e)) (i32.const 1)))
    (local.set $shift (select
      (i32.shr_u (i32.sub (local.get $L) (i32.const 8)) (i32.const 1))
      (i32.const 0)
      (i32.gt_s (local.get $L) (i32.const 8))))
    (local.set $t (i32.add (i32.shr_u (local.get $m) (local.get $shift)) (i32.const 1)))
    (local.set $kCoded (i32.sub (i32.const 31) (i32.clz (local.get $t))))
    (local.set $row (i32.mul (local.get $L) (i32.const 68)))
    (block $stop
      (loop $unary
        (br_if $stop (i32.ge_u (local.get $k) (global.get $bits)))
        (br_if $stop (i32.eqz (call $bit
          (i32.add (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2))) (i32.const 12352))
          (i32.lt_u (local.get $k) (local.get $kCoded)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $unary)))
    (local.set $t (if (result i32) (local.get $k)
      (then
        (i32.or
          (i32.shl
            (i32.or (i32.const 2) (call $bit
              (i32.add (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2))) (i32.const 15072))
              (i32.and (i32.shr_u (local.get $t) (i32.sub (local.get $k) (i32.const 1))) (i32.const 1))))
            (i32.sub (local.get $k) (i32.const 1)))
          (call $bypass (i32.sub (local.get $k) (i32.const 1)) (local.get $t))))
      (else (i32.const 1))))
    (i32.add (i32.const 1) (i32.or
      (i32.shl (i32.sub (local.get $t) (i32.const 1)) (local.get $shift))
      (call $bypass (local.get $shift) (local.get $m)))))

;; The match model's hash of a sample's context above and two to its left: WW, NW, N, NE,
  ;; NN, NNE.
  (func $upperHash (param $WW i32) (param $NW i32) (param $N i32) (param $NE i32) (param $NN i32)
    (param $NNE i32) (result i32)
    (local $h i32)
    (local.set $h (i32.xor
      (i32.xor
        (i32.xor (i32.mul (local.get $N) (i32.const 0x85ebca77))
          (i32.mul (local.get $NW) (i32.const 0xc2b2ae3d)))
        (i32.xor (i32.mul (local.get $NE) (i32.const 0x27d4eb2f))
          (i32.mul (local.get $WW) (i32.const 0x165667b1))))
      (i32.xor (i32.mul (local.get $NN) (i32.const 0xd3a2646c))
        (i32.mul (local.get $NNE) (i32.const 0xfd7046c5)))))
    (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 15)))
      (i32.const 0x2c1b3c6d)))

  ;; The offset of the bucket (16 ways of 4 bytes) of upper hash $upper in the match table.
  (func $bucket (param $upper i32) (result i32)
    (i32.shl (i32.shr_u (local.get $upper) (i32.const 18)) (i32.const 6)))

  ;; The check (1…255) of a context: its upper hash mixed with W. An empty way (0) matches none.
  (func $check (param $upper i32) (param $W i32) (result i32)
    (local $h i32)
    (local.set $h (i32.mul
      (i32.xor (local.get $upper) (i32.mul (local.get $W) (i32.const 0x9e3779b1)))
      (i32.const 0x85ebca77)))
    (local.set $h (i32.shr_u (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13)))
      (i32.const 24)))
    (select (local.get $h) (i32.const 1) (local.get $h)))

  ;; A bit per way of $ways (4 entries) that holds check $chk (in every lane of $chk).
  (func $matching (param $ways v128) (param $chk v128) (result i32)
    (i32x4.bitmask (i32x4.eq
      (v128.and (local.get $ways) (v128.const i32x4 255 255 255 255)) (local.get $chk))))

  (func $codeGeneralRow
    (local $x i32) (local $xa i32) (local $xe i32) (local $cur i32) (local $prev i32)
    (local $prev2 i32) (local $ec i32) (local $ep i32)
    (local $W i32) (local $N i32) (local $NW i32) (local $NE i32) (local $WW i32) (local $NN i32)
    (local $NNE i32) (local $mx i32) (local $mn i32) (local $p0 i32) (local $p3 i32)
    (local $p4 i32) (local $ee v128) (local $w0 i32) (local $w1 i32) (local $w2 i32)
    (local $w3 i32) (local $w4 i32) (local $num i64) (local $den i32) (local $P i32)
    (local $c i32) (local $neg i32) (local $bc i32) (local $corr i32) (local $L i32)
    (local $eW i32) (local $sW i32) (local $entryAt i32) (local $entry i32)
    (local $chk i32) (local $cn i32) (local $M i32) (local $v i32) (local $e i32)
    (local $zeroKnown i32) (local $z i32) (local $sign i32) (local $mag i32) (local $count i32)
    (local $useMatch i32) (local $flat i32) (local $vv v128) (local $upper i32)
    (local $upperNext i32) (local $bucketAt i32) (local $ways i32) (local $way0 v128)
    (local $way1 v128) (local $way2 v128) (local $way3 v128) (local $chkv v128) (local $touched i32)
    (local.set $useMatch (i32.ge_u (i32.shl (global.get $flatRow) (i32.const 4))
      (i32.mul (global.get $width) (i32.const 3))))
    (local.set $cur (global.get $cur))
    (local.set $prev (global.get $prev))
    (local.set $prev2 (global.get $prev2))
    (local.set $ec (global.get $ecur))
    (local.set $ep (global.get $eprev))
    ;; left of the row: two copies of the first sample of the row above
    (i32.store16 offset=0 (i32.sub (local.get $cur) (i32.const 2)) (i32.load16_u (local.get $prev)))
    (i32.store16 offset=0 (i32.sub (local.get $cur) (i32.const 4)) (i32.load16_u (local.get $prev)))
    (local.set $upperNext (call $upperHash (i32.load16_u (local.get $prev))
      (i32.load16_u offset=0 (i32.sub (local.get $prev) (i32.const 2)))
      (i32.load16_u (local.get $prev)) (i32.load16_u offset=2 (local.get $prev))
      (i32.load16_u (local.get $prev2)) (i32.load16_u offset=2 (local.get $prev2))))
    (loop $pixels
      (local.set $xa (i32.shl (local.get $x) (i32.const 1)))
      (local.set $xe (i32.shl (local.get $x) (i32.const 4)))
      (local.set $W (i32.load16_u (i32.sub (i32.add (local.get $cur) (local.get $xa)) (i32.const 2))))
      (local.set $WW (i32.load16_u (i32.sub (i32.add (local.get $cur) (local.get $xa)) (i32.const 4))))
      (local.set $N (i32.load16_u (i32.add (local.get $prev) (local.get $xa))))
      (local.set $NW (i32.load16_u (i32.sub (i32.add (local.get $prev) (local.get $xa)) (i32.const 2))))
      (local.set $NE (i32.load16_u offset=2 (i32.add (local.get $prev) (local.get $xa))))
      (local.set $NN (i32.load16_u (i32.add (local.get $prev2) (local.get $xa))))
      (local.set $NNE (i32.load16_u offset=2 (i32.add (local.get $prev2) (local.get $xa))))
      ;; the match model (in rows after one with enough flat contexts): what followed these
      ;; seven neighbours last time, looked up in the bucket of the six above and WW (whose line
      ;; is touched a sample ahead, to have it in cache)
      (local.set $flat (i32.add (local.get $flat) (i32.and
        (i32.and (i32.eq (local.get $W) (local.get $N)) (i32.eq (local.get $N) (local.get $NW)))
        (i32.eq (local.get $NW) (local.get $NE)))))
      (local.set $cn (i32.const 0))
      (if (local.get $useMatch)
        (then
          (local.set $upper (local.get $upperNext))
          (local.set $upperNext (call $upperHash (local.get $W) (local.get $N) (local.get $NE)
            (i32.load16_u offset=4 (i32.add (local.get $prev) (local.get $xa)))
            (local.get $NNE)
            (i32.load16_u offset=4 (i32.add (local.get $prev2) (local.get $xa)))))
          (local.set $touched (i32.xor (local.get $touched)
            (i32.load offset=405504 (call $bucket (local.get $upperNext)))))
          (local.set $bucketAt (call $bucket (local.get $upper)))
          (local.set $chk (call $check (local.get $upper) (local.get $W)))
          (local.set $chkv (i32x4.splat (local.get $chk)))
          (local.set $ways (i32.or
            (i32.or
              (call $matching (v128.load offset=405504 (local.get $bucketAt)) (local.get $chkv))
              (i32.shl (call $matching (v128.load offset=405520 (local.get $bucketAt))
                (local.get $chkv)) (i32.const 4)))
            (i32.or
              (i32.shl (call $matching (v128.load offset=405536 (local.get $bucketAt))
                (local.get $chkv)) (i32.const 8))
              (i32.shl (call $matching (v128.load offset=405552 (local.get $bucketAt))
                (local.get $chkv)) (i32.const 12)))))
          (if (local.get $ways)
            (then
              (local.set $entryAt (i32.add (local.get $bucketAt)
                (i32.shl (i32.ctz (local.get $ways)) (i32.const 2))))
              (local.set $entry (i32.load offset=405504 (local.get $entryAt)))
              (local.set $cn (i32.and (i32.shr_u (local.get $entry) (i32.const 8)) (i32.const 255)))
              (local.set $M (i32.shr_u (local.get $entry) (i32.const 16)))))))
      ;; the predictors: MED, W, N, (W + NE + 1) >> 1, N + NE − NNE (clamped)
      (local.set $mx (select (local.get $W) (local.get $N) (i32.gt_u (local.get $W) (local.get $N))))
      (local.set $mn (select (local.get $N) (local.get $W) (i32.gt_u (local.get $W) (local.get $N))))
      (local.set $p0 (select (local.get $mn)
        (select (local.get $mx)
          (i32.sub (i32.add (local.get $W) (local.get $N)) (local.get $NW))
          (i32.le_u (local.get $NW) (local.get $mn)))
        (i32.ge_u (local.get $NW) (local.get $mx))))
      (local.set $p3 (i32.shr_u (i32.add (i32.add (local.get $W) (local.get $NE)) (i32.const 1))
        (i32.const 1)))
      (local.set $p4 (call $clamp
        (i32.sub (i32.add (local.get $N) (local.get $NE)) (local.get $NNE))))
      ;; their errors at W, N, NE and NW, summed (saturating at 65535) and shifted to 10 bits,
      ;; weigh them
      (local.set $ee (i16x8.add_sat_u
        (i16x8.add_sat_u
          (v128.load (i32.sub (i32.add (local.get $ec) (local.get $xe)) (i32.const 16)))
          (v128.load (i32.add (local.get $ep) (local.get $xe))))
        (i16x8.add_sat_u
          (v128.load offset=16 (i32.add (local.get $ep) (local.get $xe)))
          (v128.load (i32.sub (i32.add (local.get $ep) (local.get $xe)) (i32.const 16))))))
      (local.set $ee (i16x8.shr_u (local.get $ee) (global.get $errorShift)))
      (local.set $w0 (i32.load (i32.shl (i16x8.extract_lane_u 0 (local.get $ee)) (i32.const 2))))
      (local.set $w1 (i32.load (i32.shl (i16x8.extract_lane_u 1 (local.get $ee)) (i32.const 2))))
      (local.set $w2 (i32.load (i32.shl (i16x8.extract_lane_u 2 (local.get $ee)) (i32.const 2))))
      (local.set $w3 (i32.load (i32.shl (i16x8.extract_lane_u 3 (local.get $ee)) (i32.const 2))))
      (local.set $w4 (i32.load (i32.shl (i16x8.extract_lane_u 4 (local.get $ee)) (i32.const 2))))
      (local.set $num (i64.add
        (i64.add
          (i64.mul (i64.extend_i32_u (local.get $w0)) (i64.extend_i32_u (local.get $p0)))
          (i64.mul (i64.extend_i32_u (local.get $w1)) (i64.extend_i32_u (local.get $W))))
        (i64.add
          (i64.add
            (i64.mul (i64.extend_i32_u (local.get $w2)) (i64.extend_i32_u (local.get $N)))
            (i64.mul (i64.extend_i32_u (local.get $w3)) (i64.extend_i32_u (local.get $p3))))
          (i64.mul (i64.extend_i32_u (local.get $w4)) (i64.extend_i32_u (local.get $p4))))))
      (local.set $den (i32.add
        (i32.add (i32.add (local.get $w0) (local.get $w1)) (i32.add (local.get $w2) (local.get $w3)))
        (local.get $w4)))
      ;; bias correction in the JPEG-LS context of the three gradients (sign folded)
      (local.set $c (i32.add
        (i32.add
          (i32.mul (call $gradient (i32.sub (local.get $NE) (local.get $N))) (i32.const 81))
          (i32.mul (call $gradient (i32.sub (local.get $N) (local.get $NW))) (i32.const 9)))
        (call $gradient (i32.sub (local.get $NW) (local.get $W)))))
      (local.set $neg (i32.shr_u (local.get $c) (i32.const 31)))
      (local.set $bc (i32.shl (call $abs (local.get $c)) (i32.const 2)))
      (local.set $corr (i32.wrap_i64 (i64.shr_s
        (i64.add
          (i64.mul
            (i64.extend_i32_s (i32.load offset=270336 (local.get $bc)))
            (i64.extend_i32_s (i32.load offset=4096
              (i32.shl (i32.load offset=271872 (local.get $bc)) (i32.const 2)))))
          (i64.const 32768))
        (i64.const 16))))
      (local.set $P (call $clamp (i32.add
        (i32.wrap_i64 (i64.div_u
          (i64.add (local.get $num) (i64.extend_i32_u (i32.shr_u (local.get $den) (i32.const 1))))
          (i64.extend_i32_u (local.get $den))))
        (select (i32.sub (i32.const 0) (local.get $corr)) (local.get $corr) (local.get $neg)))))
      ;; activity level
      (local.set $L (call $level (i32.add
        (i32.add
          (i32.sub (select (local.get $W) (local.get $NW) (i32.gt_u (local.get $W) (local.get $NW)))
            (select (local.get $NW) (local.get $W) (i32.gt_u (local.get $W) (local.get $NW))))
          (i32.sub (select (local.get $N) (local.get $NW) (i32.gt_u (local.get $N) (local.get $NW)))
            (select (local.get $NW) (local.get $N) (i32.gt_u (local.get $N) (local.get $NW)))))
        (i32.add
          (i32.sub (select (local.get $N) (local.get $NE) (i32.gt_u (local.get $N) (local.get $NE)))
            (select (local.get $NE) (local.get $N) (i32.gt_u (local.get $N) (local.get $NE))))
          (i32.shl (local.get $eW) (i32.const 1))))))
      ;; the decisions
      (local.set $v (select (i32.const 0)
        (i32.load16_u (i32.add (local.get $cur) (local.get $xa))) (global.get $decoding)))
      (local.set $e (i32.sub (local.get $v) (local.get $P)))
      (block $coded
        (local.set $zeroKnown (i32.const 0))
        (if (local.get $cn)
          (then
            (if (call $bit
                (i32.add (i32.const 8192) (i32.shl (i32.add
                  (i32.shl (i32.add
                    (i32.mul (i32.sub (select (local.get $cn) (i32.const 4)
                      (i32.lt_u (local.get $cn) (i32.const 4))) (i32.const 1)) (i32.const 40))
                    (local.get $L)) (i32.const 1))
                  (i32.eq (local.get $M) (local.get $P))) (i32.const 2)))
                (i32.eq (local.get $v) (local.get $M)))
              (then (local.set $v (local.get $M)) (br $coded)))
            (local.set $zeroKnown (i32.eq (local.get $M) (local.get $P)))))
        (local.set $z (i32.add
          (i32.shl (i32.add (i32.mul (local.get $L) (i32.const 3)) (local.get $sW)) (i32.const 1))
          (i32.ne (local.get $cn) (i32.const 0))))
        (if (i32.eqz (local.get $zeroKnown))
          (then (if (call $bit (i32.add (i32.const 9472) (i32.shl (local.get $z) (i32.const 2)))
              (i32.eqz (local.get $e)))
            (then (local.set $v (local.get $P)) (br $coded)))))
        (local.set $sign (if (result i32) (i32.eqz (local.get $P))
          (then (i32.const 0))
          (else (if (result i32) (i32.eq (local.get $P) (global.get $maxv))
            (then (i32.const 1))
            (else (call $bit
              (i32.add (i32.const 10432) (i32.shl
                (i32.add (i32.shl (local.get $z) (i32.const 1)) (local.get $neg)) (i32.const 2)))
              (i32.lt_s (local.get $e) (i32.const 0))))))))
        (local.set $mag (call $magnitude (local.get $e) (local.get $L)))
        (local.set $v (call $clamp (select
          (i32.sub (local.get $P) (local.get $mag))
          (i32.add (local.get $P) (local.get $mag))
          (local.get $sign)))))
      ;; learning
      (local.set $e (i32.sub (local.get $v) (local.get $P)))
      (if (local.get $useMatch)
        (then (if (local.get $cn)
          ;; a hit counts up (to 255), a miss takes the new value
          (then (i32.store offset=405504 (local.get $entryAt)
            (if (result i32) (i32.eq (local.get $v) (local.get $M))
              (then (select (local.get $entry) (i32.add (local.get $entry) (i32.const 256))
                (i32.eq (local.get $cn) (i32.const 255))))
              (else (i32.or (i32.shl (local.get $v) (i32.const 16))
                (i32.or (i32.const 256) (local.get $chk)))))))
          ;; a new context goes first, the last way drops out
          (else
            (local.set $way0 (v128.load offset=405504 (local.get $bucketAt)))
            (local.set $way1 (v128.load offset=405520 (local.get $bucketAt)))
            (local.set $way2 (v128.load offset=405536 (local.get $bucketAt)))
            (local.set $way3 (v128.load offset=405552 (local.get $bucketAt)))
            (v128.store offset=405552 (local.get $bucketAt) (i8x16.shuffle
              12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 (local.get $way2) (local.get $way3)))
            (v128.store offset=405536 (local.get $bucketAt) (i8x16.shuffle
              12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 (local.get $way1) (local.get $way2)))
            (v128.store offset=405520 (local.get $bucketAt) (i8x16.shuffle
              12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 (local.get $way0) (local.get $way1)))
            (v128.store offset=405504 (local.get $bucketAt) (i32x4.replace_lane 0
              (i8x16.shuffle 0 1 2 3 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $way0) (local.get $way0))
              (i32.or (i32.shl (local.get $v) (i32.const 16))
                (i32.or (i32.const 256) (local.get $chk)))))))))
      (i32.store offset=270336 (local.get $bc) (i32.add
        (i32.load offset=270336 (local.get $bc))
        (select (i32.sub (i32.const 0) (local.get $e)) (local.get $e) (local.get $neg))))
      (local.set $count (i32.add (i32.load offset=271872 (local.get $bc)) (i32.const 1)))
      (if (i32.eq (local.get $count) (i32.const 256))
        (then
          (local.set $count (i32.const 128))
          (i32.store offset=270336 (local.get $bc)
            (i32.shr_s (i32.load offset=270336 (local.get $bc)) (i32.const 1)))))
      (i32.store offset=271872 (local.get $bc) (local.get $count))
      ;; the predictors' errors |v − p| (lanes 0…4; lanes 5…7 are never read)
      (local.set $ee (i16x8.replace_lane 4 (i16x8.replace_lane 3 (i16x8.replace_lane 2
        (i16x8.replace_lane 1 (i16x8.splat (local.get $p0)) (local.get $W))
        (local.get $N)) (local.get $p3)) (local.get $p4)))
      (local.set $vv (i16x8.splat (local.get $v)))
      (v128.store (i32.add (local.get $ec) (local.get $xe))
        (i16x8.sub (i16x8.max_u (local.get $ee) (local.get $vv))
          (i16x8.min_u (local.get $ee) (local.get $vv))))
      (local.set $eW (select (i32.sub (i32.const 0) (local.get $e)) (local.get $e)
        (i32.lt_s (local.get $e) (i32.const 0))))
      (local.set $sW (select (i32.const 0)
        (select (i32.const 1) (i32.const 2) (i32.gt_s (local.get $e) (i32.const 0)))
        (i32.eqz (local.get $e))))
      (i32.store16 (i32.add (local.get $cur) (local.get $xa)) (local.get $v))
      (br_if $pixels (i32.lt_u
        (local.tee $x (i32.add (local.get $x) (i32.const 1)))
        (global.get $width))))
    (global.set $flatRow (local.get $flat))
    (global.set $touch (i32.xor (global.get $touch) (local.get $touched)))
    ;; right of the row: two copies of its last sample
    (local.set $xa (i32.add (local.get $cur) (i32.shl (global.get $width) (i32.const 1))))
    (i32.store16 offset=0 (local.get $xa) (i32.load16_u (i32.sub (local.get $xa) (i32.const 2))))
    (i32.store16 offset=2 (local.get $xa) (i32.load16_u (i32.sub (local.get $xa) (i32.const 2)))))

  ;; ---- the bilevel path (1 bit) -----------------------------------------------------------
  ;; Each sample is one decision in the context of 16 neighbours: 5 to its left, 7 in the row
  ;; above (x − 3 … x + 3), 4 in the row above that (x − 2 … x + 1); outside the image, 0.
  (func $codeBilevelRow
    (local $x i32) (local $xa i32) (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $v i32)
    (local.set $r1 (i32.or
      (i32.or (i32.shl (i32.load16_u (global.get $prev)) (i32.const 2))
        (i32.shl (i32.load16_u offset=2 (global.get $prev)) (i32.const 1)))
      (i32.load16_u offset=4 (global.get $prev))))
    (local.set $r2 (i32.load16_u (global.get $prev2)))
    (loop $pixels
      (local.set $xa (i32.shl (local.get $x) (i32.const 1)))
      (local.set $r1 (i32.and (i32.or (i32.shl (local.get $r1) (i32.const 1))
        (i32.load16_u offset=6 (i32.add (global.get $prev) (local.get $xa)))) (i32.const 127)))
      (local.set $r2 (i32.and (i32.or (i32.shl (local.get $r2) (i32.const 1))
        (i32.load16_u offset=2 (i32.add (global.get $prev2) (local.get $xa)))) (i32.const 15)))
      (local.set $v (call $bit
        (i32.add (i32.const 8192) (i32.shl
          (i32.or (local.get $r0)
            (i32.or (i32.shl (local.get $r1) (i32.const 5)) (i32.shl (local.get $r2) (i32.const 12))))
          (i32.const 2)))
        (i32.load16_u (i32.add (global.get $cur) (local.get $xa)))))
      (i32.store16 (i32.add (global.get $cur) (local.get $xa)) (local.get $v))
      (local.set $r0 (i32.and (i32.or (i32.shl (local.get $r0) (i32.const 1)) (local.get $v))
        (i32.const 31)))
      (br_if $pixels (i32.lt_u
        (local.tee $x (i32.add (local.get $x) (i32.const 1)))
        (global.get $width)))))

  ;; Codes the current row, then moves the rows up (the next row's buffer is the oldest one).
  (func (export "codeRow")
    (local $oldest i32)
    (if (i32.eq (global.get $bits) (i32.const 1))
      (then (call $codeBilevelRow))
      (else (call $codeGeneralRow)))
    (local.set $oldest (global.get $prev2))
    (global.set $prev2 (global.get $prev))
    (global.set $prev (global.get $cur))
    (global.set $cur (local.get $oldest))
    (local.set $oldest (global.get $eprev))
    (global.set $eprev (global.get $ecur))
    (global.set $ecur (local.get $oldest))))
