;; The per-bit work of the v2 bit model (docs/v2-stream.md §3.3): slot lookups, the mixing
;; network, the APMs and their updates, in WebAssembly with 128-bit SIMD for the network.
;; tools/build_wasm.ts compiles this file into bit_kernel_wasm.ts; the tests check that they
;; agree. bit_kernel.ts lays out the memory, fills the tables and writes the per-sample
;; contexts; predictor.ts computes those contexts.
;;
;; Memory and shapes come from kernel_layout.ts: this text names them (a dollar sign and the
;; name, or the name + N, in braces) and tools/build_wasm.ts writes in their values before it
;; compiles it. In order:
;;   squash table (i16, entry x + 2048 for stretch value x), stretch table (i16), slot learning
;;   rates (i32 by count), difference buckets (u8, entry d + MAX_DIFFERENCE is signedBucket(d));
;;   the per-sample context area: written by the caller, the direct predictions and classes,
;;   the hashes of the hashed contexts, the LMS inputs (mean-removed, in 16 lanes) and their
;;   mean; written here, the first slot of each hashed context's bucket for the current group,
;;   the slot used by each input of the last p(), the network inputs (the stretched slots, the
;;   bias, zeros), per first-layer neuron the offset of its weight sets (the caller's), its
;;   selected set and its output probability, the offset of its sets' update counts (the
;;   caller's) and the address of the selected set's count, the final neuron's inputs (the first-layer
;;   outputs, the bias, zeros), the LMS weights (fast, then slow), the slow LMS prediction, the
;;   gradient shape and the pixel's phases (the caller's), the value of the last sample completed;
;;   then, at places imported: $final: the final neuron's sets (the first-layer neurons' sets
;;   precede it), $apmPosition, $apmError, $apmValue: APM cells (u16), the sets' update counts
;;   (u32, used with $rateDecay), $certainties: the certainty slots (i32, used with
;;   $certainty), $slots: the slots (i32),
;;   direct tables first, then the hashed table. $neuronsBytes is 4 × the model's first-layer
;;   neurons and $hashedInputs the hashed contexts looked up (5 and 10, or 3 and 8 for a model of
;;   payload version 3 or 4; 6 with coders 11 and 12), whose inputs the bias input follows; $inputBytes
;;   is the bytes of the first-layer inputs rounded up to whole v128s (the lanes beyond them are
;;   zero, so a dot product or update over them would change nothing).
;; Lane arithmetic equals the scalar definition: products and sums wrap at 32 bits, and the
;; per-input terms (x·w >> 8) are summed exactly (each is below 2^23 in magnitude).
(module
  (import "kernel" "memory" (memory 1))
  (import "kernel" "final" (global $final i32))
  (import "kernel" "neuronsBytes" (global $neuronsBytes i32))
  (import "kernel" "inputBytes" (global $inputBytes i32))
  (import "kernel" "hashedInputs" (global $hashedInputs i32))
  (import "kernel" "apmPosition" (global $apmPosition i32))
  (import "kernel" "apmError" (global $apmError i32))
  (import "kernel" "apmValue" (global $apmValue i32))
  (import "kernel" "slots" (global $slots i32))
  (import "kernel" "bits" (global $bits i32))
  (import "kernel" "shortPathThreshold" (global $shortPathThreshold i32))
  (import "kernel" "hashedLimit" (global $hashedLimit i32))
  (import "kernel" "firstRate" (global $firstRate i32))
  (import "kernel" "finalRate" (global $finalRate i32))
  (import "kernel" "hashShift" (global $hashShift i32))
  (import "kernel" "lmsShift" (global $lmsShift i32))
  (import "kernel" "fastLmsRate" (global $fastLmsRate i32))
  (import "kernel" "slowLmsRate" (global $slowLmsRate i32))
  (import "kernel" "leastSquares" (global $leastSquares i32))
  (import "kernel" "checkedWays" (global $checkedWays i32))
  (import "kernel" "rateDecay" (global $rateDecay i32))
  (import "kernel" "splitApmUpdates" (global $splitApmUpdates i32))
  (import "kernel" "decayFloor" (global $decayFloor i32))
  (import "kernel" "decayBoost" (global $decayBoost i32))
  (import "kernel" "certainty" (global $certainty i32))
  (import "kernel" "certainties" (global $certainties i32))

  ;; The sample: the bit position, the bits known (in place), 1 followed by the bits of the
  ;; current group of 4 so far, and the group's number.
  (global $b (mut i32) (i32.const 0))
  (global $known (mut i32) (i32.const 0))
  (global $node (mut i32) (i32.const 1))
  (global $group (mut i32) (i32.const 0))
  ;; Whether the current group's buckets are resolved (checked buckets: their checks compared).
  (global $groupResolved (mut i32) (i32.const 0))
  ;; What $touchBuckets read last.
  (global $touched (mut i32) (i32.const 0))
  ;; The LMS predictions of the sample.
  (global $fastLms (mut i32) (i32.const 0))
  (global $slowLms (mut i32) (i32.const 0))
  ;; The state between p() and update(): path, the final neuron's set and output, APM cells
  ;; (the first-layer neurons' sets and outputs are in memory).
  (global $short (mut i32) (i32.const 0))
  (global $fo (mut i32) (i32.const 0))
  (global $p (mut i32) (i32.const 2048))
  (global $apmCell (mut i32) (i32.const 0))
  (global $apmWeight (mut i32) (i32.const 0))
  (global $cellPosition (mut i32) (i32.const 0))
  (global $weightPosition (mut i32) (i32.const 0))
  (global $cellError (mut i32) (i32.const 0))
  (global $weightError (mut i32) (i32.const 0))
  (global $cellValue (mut i32) (i32.const 0))
  (global $weightValue (mut i32) (i32.const 0))
  ;; With $certainty: the certainty slot the last p() used (or 0) and its side, and the run
  ;; (the bits coded with a certainty slot since one went against its side; 0 in a new kernel).
  (global $certaintySlot (mut i32) (i32.const 0))
  (global $certaintySide (mut i32) (i32.const 0))
  (global $certaintyRun (mut i32) (i32.const 0))

  ;; ---- tables -----------------------------------------------------------------------------
  (func $squash (param $d i32) (result i32)
    (i32.load16_s offset=${SQUASH_AT} (i32.shl (i32.add (local.get $d) (i32.const 2048)) (i32.const 1))))

  (func $stretch (param $p i32) (result i32)
    (i32.load16_s offset=${STRETCH_AT} (i32.shl (local.get $p) (i32.const 1))))

  ;; signedBucket(d) for a difference of two samples
  (func $differenceBucket (param $d i32) (result i32)
    (i32.load8_u offset=${BUCKETS_AT} (i32.add (local.get $d) (i32.const ${MAX_DIFFERENCE}))))

  (func $clampProbability (param $p i32) (result i32)
    (select (i32.const 4095)
      (select (i32.const 1) (local.get $p) (i32.lt_s (local.get $p) (i32.const 1)))
      (i32.gt_s (local.get $p) (i32.const 4095))))

  ;; ---- slots (state_map.ts) ---------------------------------------------------------------
  (func $slotAddress (param $slot i32) (result i32)
    (i32.add (global.get $slots) (i32.shl (local.get $slot) (i32.const 2))))

  ;; Input j uses slot `slot`: records it and sets the input to its stretched probability.
  (func $useSlot (param $j i32) (param $slot i32)
    (local $at i32)
    (local.set $at (i32.shl (local.get $j) (i32.const 2)))
    (i32.store offset=${SLOT_INDEX_AT} (local.get $at) (local.get $slot))
    (i32.store offset=${INPUTS_AT} (local.get $at) (call $stretch
      (i32.shr_u (i32.load (call $slotAddress (local.get $slot))) (i32.const 20)))))

  ;; Direct tables from…to − 1 for bit position b: each uses the slot of the distance from its
  ;; prediction to the split point `middle`, in its class.
  (func $lookUpDirect (param $from i32) (param $to i32) (param $b i32) (param $middle i32)
    (local $j i32) (local $at i32)
    (local.set $j (local.get $from))
    (loop $tables
      (local.set $at (i32.shl (local.get $j) (i32.const 2)))
      (call $useSlot (local.get $j) (i32.or
        (i32.add (i32.shl (local.get $j) (i32.const ${DIRECT_TABLE_SHIFT}))
          (i32.shl (local.get $b) (i32.const ${BIT_POSITION_SHIFT})))
        (i32.or
          (i32.shl (i32.load offset=${CLASSES_AT} (local.get $at)) (i32.const ${CLASS_SHIFT}))
          (call $differenceBucket
            (i32.sub (i32.load offset=${PREDICTIONS_AT} (local.get $at)) (local.get $middle))))))
      (br_if $tables (i32.lt_u
        (local.tee $j (i32.add (local.get $j) (i32.const 1)))
        (local.get $to)))))

  ;; Way i of the checked buckets of a group whose first bucket (its first slot) is `first`.
  (func $way (param $first i32) (param $i i32) (result i32)
    (i32.xor (local.get $first) (i32.shl (local.get $i) (i32.const ${BUCKET_SHIFT}))))

  ;; Resolves the bucket of the hashed context whose GROUP_BUCKETS_AT entry is at `at` (checked
  ;; buckets): of the $checkedWays buckets of its group (the one its hash gives first, then its
  ;; number XOR 1, 2, 3), the first whose slot 0 holds the check; if none does, the first of
  ;; those whose node-1 slot has the lowest count, reset (fresh slots, the check in slot 0).
  (func $resolveBucket (param $at i32)
    (local $first i32) (local $check i32) (local $i i32) (local $bucket i32) (local $a i32)
    (local $victim i32) (local $least i32) (local $count i32)
    (local.set $first (i32.load offset=${GROUP_BUCKETS_AT} (local.get $at)))
    (local.set $check (i32.load offset=${GROUP_CHECKS_AT} (local.get $at)))
    (local.set $least (i32.const 1024))
    (loop $ways
      (local.set $bucket (call $way (local.get $first) (local.get $i)))
      (local.set $a (call $slotAddress (local.get $bucket)))
      (if (i32.eq (i32.load (local.get $a)) (local.get $check)) (then
        (i32.store offset=${GROUP_BUCKETS_AT} (local.get $at) (local.get $bucket))
        (return)))
      (local.set $count (i32.and (i32.load offset=4 (local.get $a)) (i32.const 1023)))
      (if (i32.lt_u (local.get $count) (local.get $least)) (then
        (local.set $least (local.get $count))
        (local.set $victim (local.get $bucket))))
      (br_if $ways (i32.lt_u
        (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (global.get $checkedWays))))
    (local.set $a (call $slotAddress (local.get $victim)))
    (v128.store (local.get $a) (i32x4.splat (i32.const ${INITIAL_SLOT})))
    (v128.store offset=16 (local.get $a) (i32x4.splat (i32.const ${INITIAL_SLOT})))
    (v128.store offset=32 (local.get $a) (i32x4.splat (i32.const ${INITIAL_SLOT})))
    (v128.store offset=48 (local.get $a) (i32x4.splat (i32.const ${INITIAL_SLOT})))
    (i32.store (local.get $a) (local.get $check))
    (i32.store offset=${GROUP_BUCKETS_AT} (local.get $at) (local.get $victim)))

  ;; Reads slot 0 of each checked bucket of every hashed context's group before any is resolved,
  ;; so that their cache misses overlap instead of following one another (the sum is kept only so
  ;; that the loads stay): changes nothing but the time.
  (func $touchBuckets
    (local $j i32) (local $i i32) (local $first i32) (local $sum i32)
    (loop $contexts
      (local.set $first (i32.load offset=${GROUP_BUCKETS_AT} (local.get $j)))
      (local.set $i (i32.const 0))
      (loop $ways
        (local.set $sum (i32.add (local.get $sum)
          (i32.load (call $slotAddress (call $way (local.get $first) (local.get $i))))))
        (br_if $ways (i32.lt_u
          (local.tee $i (i32.add (local.get $i) (i32.const 1)))
          (global.get $checkedWays))))
      (br_if $contexts (i32.lt_u
        (local.tee $j (i32.add (local.get $j) (i32.const 4)))
        (i32.shl (global.get $hashedInputs) (i32.const 2)))))
    (global.set $touched (local.get $sum)))

  ;; The model's hashed contexts (inputs 9, 10, …): slot `node` of each one's bucket (with
  ;; checked buckets, resolved at the group's first look-up).
  (func $lookUpHashed (param $node i32)
    (local $j i32) (local $resolve i32)
    (local.set $resolve (i32.and (i32.ne (global.get $checkedWays) (i32.const 0))
      (i32.eqz (global.get $groupResolved))))
    (global.set $groupResolved (i32.const 1))
    (if (local.get $resolve) (then (call $touchBuckets)))
    (loop $contexts
      (if (local.get $resolve) (then (call $resolveBucket (i32.shl (local.get $j) (i32.const 2)))))
      (call $useSlot
        (i32.add (local.get $j) (i32.const ${DIRECT_INPUTS}))
        (i32.add
          (i32.load offset=${GROUP_BUCKETS_AT} (i32.shl (local.get $j) (i32.const 2)))
          (local.get $node)))
      (br_if $contexts (i32.lt_u
        (local.tee $j (i32.add (local.get $j) (i32.const 1)))
        (global.get $hashedInputs)))))

  ;; Each slot of inputs from…to − 1 learns the bit ($updateSlot).
  (func $updateSlots (param $from i32) (param $to i32) (param $bit i32) (param $limit i32)
    (local $j i32) (local $target i32)
    (local.set $target (call $slotTarget (local.get $bit)))
    (local.set $j (local.get $from))
    (loop $slots
      (call $updateSlot
        (call $slotAddress
          (i32.load offset=${SLOT_INDEX_AT} (i32.shl (local.get $j) (i32.const 2))))
        (local.get $target) (local.get $limit))
      (br_if $slots (i32.lt_u
        (local.tee $j (i32.add (local.get $j) (i32.const 1)))
        (local.get $to)))))

  ;; The 22-bit probability a slot learns towards: 2^22 − 128 for a 1, 128 for a 0.
  (func $slotTarget (param $bit i32) (result i32)
    (select (i32.const 4194176) (i32.const 128) (local.get $bit)))

  ;; The slot at `at` (22-bit p, 10-bit count n): p += ((target − p) >> 6) · RATES[n] >> 8,
  ;; n = min(n + 1, limit)
  (func $updateSlot (param $at i32) (param $target i32) (param $limit i32)
    (local $slot i32) (local $count i32) (local $p i32)
    (local.set $slot (i32.load (local.get $at)))
    (local.set $count (i32.and (local.get $slot) (i32.const 1023)))
    (local.set $p (i32.shr_u (local.get $slot) (i32.const 10)))
    (local.set $p (i32.add (local.get $p) (i32.shr_s
      (i32.mul
        (i32.shr_s (i32.sub (local.get $target) (local.get $p)) (i32.const 6))
        (i32.load offset=${RATES_AT} (i32.shl (local.get $count) (i32.const 2))))
      (i32.const 8))))
    (i32.store (local.get $at) (i32.or
      (i32.shl (local.get $p) (i32.const 10))
      (select
        (i32.add (local.get $count) (i32.const 1))
        (local.get $limit)
        (i32.lt_s (local.get $count) (local.get $limit))))))

  ;; ---- certainty (coders 12 and 13) -------------------------------------------------------
  ;; The probability coded for bit `b` from the 12-bit `p` (1…4095): without $certainty, `p`;
  ;; with it, 16 bits (1…65535): for a level (min(p, 4096 − p)) of at most CERTAINTY_LEVELS,
  ;; the top 16 bits of the certainty slot of (run class, path, side, b, level), else p · 16.
  (func $refine (param $p i32) (param $b i32) (result i32)
    (local $side i32) (local $level i32) (local $run i32) (local $context i32)
    (global.set $certaintySlot (i32.const 0))
    (if (i32.eqz (global.get $certainty)) (then (return (local.get $p))))
    (local.set $side (i32.gt_s (local.get $p) (i32.const 2048)))
    (local.set $level (select (i32.sub (i32.const 4096) (local.get $p)) (local.get $p)
      (local.get $side)))
    (if (i32.gt_s (local.get $level) (i32.const ${CERTAINTY_LEVELS}))
      (then (return (i32.shl (local.get $p) (i32.const 4)))))
    (local.set $run (i32.sub (i32.const 32) (i32.clz (global.get $certaintyRun))))
    (local.set $run (select (i32.const ${CERTAINTY_MAX_RUN_CLASS}) (local.get $run)
      (i32.gt_u (local.get $run) (i32.const ${CERTAINTY_MAX_RUN_CLASS}))))
    (global.set $certaintySide (local.get $side))
    ;; ((run class · 2 + short) · 2 + side) · BIT_POSITIONS + b, then the level within it.
    (local.set $context (i32.or (i32.shl (local.get $run) (i32.const 2))
      (i32.or (i32.shl (global.get $short) (i32.const 1)) (local.get $side))))
    (local.set $context (i32.or
      (i32.shl (local.get $context) (i32.const ${BIT_POSITION_BITS}))
      (local.get $b)))
    (global.set $certaintySlot (i32.add (global.get $certainties) (i32.shl
      (i32.add
        (i32.mul (local.get $context) (i32.const ${CERTAINTY_LEVELS}))
        (i32.sub (local.get $level) (i32.const 1)))
      (i32.const 2))))
    ;; A slot's probability lies in 128…2^22 − 128: its top 16 bits in 2…65534.
    (i32.shr_u (i32.load (global.get $certaintySlot)) (i32.const 16)))

  ;; The certainty slot the last p() used, if any, learns `bit`; the run grows, or restarts
  ;; when `bit` went against the slot's side.
  (func $learnCertainty (param $bit i32)
    (if (i32.eqz (global.get $certaintySlot)) (then (return)))
    (call $updateSlot (global.get $certaintySlot) (call $slotTarget (local.get $bit))
      (i32.const 1023))
    (global.set $certaintyRun (select
      (i32.add (global.get $certaintyRun) (i32.const 1))
      (i32.const 0)
      (i32.eq (local.get $bit) (global.get $certaintySide)))))

  ;; ---- APMs (33 cells per context) --------------------------------------------------------
  ;; The refined probability of `p` in `context`; leaves the first of the two cells it
  ;; interpolates in $apmCell and the second one's weight (0…127, of 128) in $apmWeight.
  (func $apm (param $cells i32) (param $p i32) (param $context i32) (result i32)
    (local $position i32) (local $weight i32) (local $at i32)
    (local.set $position (i32.add (call $stretch (local.get $p)) (i32.const 2048)))
    (local.set $weight (i32.and (local.get $position) (i32.const 127)))
    (local.set $at (i32.add (local.get $cells) (i32.shl
      (i32.add
        (i32.mul (local.get $context) (i32.const ${APM_CELLS}))
        (i32.shr_u (local.get $position) (i32.const 7)))
      (i32.const 1))))
    (global.set $apmCell (local.get $at))
    (global.set $apmWeight (local.get $weight))
    (i32.shr_u
      (i32.add
        (i32.mul (i32.load16_u (local.get $at)) (i32.sub (i32.const 128) (local.get $weight)))
        (i32.mul (i32.load16_u offset=2 (local.get $at)) (local.get $weight)))
      (i32.const 11)))

  ;; Trains the APM cells at `at` (the two a probability interpolated, the second with `weight`)
  ;; on `bit` at rate 2^−rate: with $splitApmUpdates both, each by its share of the
  ;; interpolation, rounded; else only the nearer one.
  (func $updateApm (param $at i32) (param $weight i32) (param $bit i32) (param $rate i32)
    (local $target i32)
    (local.set $target (select (i32.const 65535) (i32.const 0) (local.get $bit)))
    (if (global.get $splitApmUpdates)
      (then
        (call $trainApmCell (local.get $at) (local.get $target)
          (i32.sub (i32.const 128) (local.get $weight)) (local.get $rate))
        (call $trainApmCell (i32.add (local.get $at) (i32.const 2)) (local.get $target)
          (local.get $weight) (local.get $rate)))
      (else
        (local.set $at (i32.add (local.get $at)
          (i32.shl (i32.shr_u (local.get $weight) (i32.const 6)) (i32.const 1))))
        (i32.store16 (local.get $at) (i32.add (i32.load16_u (local.get $at)) (i32.shr_s
          (i32.sub (local.get $target) (i32.load16_u (local.get $at)))
          (local.get $rate)))))))

  ;; cell += ((target − cell)·share + 2^(rate+6)) >> (rate + 7), share of 128
  (func $trainApmCell (param $at i32) (param $target i32) (param $share i32) (param $rate i32)
    (local $cell i32) (local $shift i32)
    (local.set $cell (i32.load16_u (local.get $at)))
    (local.set $shift (i32.add (local.get $rate) (i32.const 7)))
    (i32.store16 (local.get $at) (i32.add (local.get $cell) (i32.shr_s
      (i32.add
        (i32.mul (i32.sub (local.get $target) (local.get $cell)) (local.get $share))
        (i32.shl (i32.const 1) (i32.sub (local.get $shift) (i32.const 1))))
      (local.get $shift)))))

  ;; ---- the mixing network -----------------------------------------------------------------
  ;; clamp(sum >> 8, -2047, 2047)
  (func $clampStretch (param $sum i32) (result i32)
    (local $d i32)
    (local.set $d (i32.shr_s (local.get $sum) (i32.const 8)))
    (select (i32.const 2047)
      (select (i32.const -2047) (local.get $d) (i32.lt_s (local.get $d) (i32.const -2047)))
      (i32.gt_s (local.get $d) (i32.const 2047))))

  (func $lanes (param $v v128) (result i32)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))

  ;; Σ (x·w >> 8) over `bytes` of inputs at `inputs` and weights at `set`, four lanes at a time
  (func $dot (param $inputs i32) (param $set i32) (param $bytes i32) (result i32)
    (local $i i32) (local $sum v128)
    (loop $lanes
      (local.set $sum (i32x4.add (local.get $sum) (i32x4.shr_s
        (i32x4.mul
          (v128.load (i32.add (local.get $inputs) (local.get $i)))
          (v128.load (i32.add (local.get $set) (local.get $i))))
        (i32.const 8))))
      (br_if $lanes (i32.lt_u
        (local.tee $i (i32.add (local.get $i) (i32.const 16)))
        (local.get $bytes))))
    (call $lanes (local.get $sum)))

  ;; The network's probability: each first-layer neuron k with the set whose index p() wrote at
  ;; SELECTED_SET_AT[k] (replaced by its address), its output d (the final neuron's input k) and
  ;; squash(d) (at NEURON_P_AT[k]); then the final neuron with set `finalSet`.
  (func $mix (param $finalSet i32) (result i32)
    (local $k i32) (local $set i32) (local $d i32)
    (loop $neurons
      (local.set $set (i32.add
        (i32.load offset=${NEURON_BASE_AT} (local.get $k))
        (i32.mul (i32.load offset=${SELECTED_SET_AT} (local.get $k)) (i32.const ${SET_BYTES}))))
      (if (global.get $rateDecay) (then
        (i32.store offset=${SELECTED_COUNT_AT} (local.get $k) (i32.add
          (i32.load offset=${NEURON_COUNTS_AT} (local.get $k))
          (i32.shl (i32.load offset=${SELECTED_SET_AT} (local.get $k)) (i32.const 2))))))
      (i32.store offset=${SELECTED_SET_AT} (local.get $k) (local.get $set))
      (local.set $d (call $clampStretch
        (call $dot (i32.const ${INPUTS_AT}) (local.get $set) (global.get $inputBytes))))
      (i32.store offset=${FINAL_INPUTS_AT} (local.get $k) (local.get $d))
      (i32.store offset=${NEURON_P_AT} (local.get $k) (call $squash (local.get $d)))
      (br_if $neurons (i32.lt_u
        (local.tee $k (i32.add (local.get $k) (i32.const 4)))
        (global.get $neuronsBytes))))
    (global.set $fo (i32.add (global.get $final)
      (i32.mul (local.get $finalSet) (i32.const ${FINAL_SET_BYTES}))))
    (global.set $p (call $squash (call $clampStretch (call $dot
      (i32.const ${FINAL_INPUTS_AT}) (global.get $fo) (i32.const ${FINAL_SET_BYTES})))))
    (global.get $p))

  ;; ((bit·4096 − p) · rate) >> 4, or 0 when it is within −8…8 (exclusive)
  (func $error (param $target i32) (param $p i32) (param $rate i32) (result i32)
    (local $e i32)
    (local.set $e (i32.shr_s
      (i32.mul (i32.sub (local.get $target) (local.get $p)) (local.get $rate))
      (i32.const 4)))
    (select (i32.const 0) (local.get $e)
      (i32.and (i32.gt_s (local.get $e) (i32.const -8)) (i32.lt_s (local.get $e) (i32.const 8)))))

  ;; w += x·e >> 10 over `bytes` of weights at `set` and inputs at `inputs`
  (func $train (param $inputs i32) (param $set i32) (param $bytes i32) (param $e i32)
    (local $i i32) (local $at i32) (local $error v128)
    (local.set $error (i32x4.splat (local.get $e)))
    (loop $lanes
      (local.set $at (i32.add (local.get $set) (local.get $i)))
      (v128.store (local.get $at) (i32x4.add (v128.load (local.get $at)) (i32x4.shr_s
        (i32x4.mul (v128.load (i32.add (local.get $inputs) (local.get $i))) (local.get $error))
        (i32.const 10))))
      (br_if $lanes (i32.lt_u
        (local.tee $i (i32.add (local.get $i) (i32.const 16)))
        (local.get $bytes)))))

  ;; The learning rate of first-layer neuron k's selected set: the model's, or with decaying
  ;; rates $decayFloor + ($decayBoost >> (n >> DECAY_HALVING)) for a set trained n times before
  ;; (n then counts this update, up to DECAY_COUNT_LIMIT).
  (func $neuronRate (param $k i32) (result i32)
    (local $at i32) (local $n i32)
    (if (i32.eqz (global.get $rateDecay)) (then (return (global.get $firstRate))))
    (local.set $at (i32.load offset=${SELECTED_COUNT_AT} (local.get $k)))
    (local.set $n (i32.load (local.get $at)))
    (i32.store (local.get $at) (select
      (i32.add (local.get $n) (i32.const 1))
      (local.get $n)
      (i32.lt_u (local.get $n) (i32.const ${DECAY_COUNT_LIMIT}))))
    (i32.add (global.get $decayFloor) (i32.shr_u
      (global.get $decayBoost)
      (i32.shr_u (local.get $n) (i32.const ${DECAY_HALVING})))))

  (func $updateNetwork (param $bit i32)
    (local $target i32) (local $k i32) (local $e i32)
    (local.set $target (i32.shl (local.get $bit) (i32.const 12)))
    (loop $neurons
      (local.set $e (call $error (local.get $target)
        (i32.load offset=${NEURON_P_AT} (local.get $k)) (call $neuronRate (local.get $k))))
      (if (local.get $e)
        (then (call $train (i32.const ${INPUTS_AT})
          (i32.load offset=${SELECTED_SET_AT} (local.get $k)) (global.get $inputBytes)
          (local.get $e))))
      (br_if $neurons (i32.lt_u
        (local.tee $k (i32.add (local.get $k) (i32.const 4)))
        (global.get $neuronsBytes))))
    (local.set $e (call $error (local.get $target) (global.get $p) (global.get $finalRate)))
    (if (local.get $e)
      (then (call $train (i32.const ${FINAL_INPUTS_AT}) (global.get $fo)
        (i32.const ${FINAL_SET_BYTES}) (local.get $e)))))

  ;; ---- the LMS predictors (docs/v2-stream.md §3.2) ----------------------------------------
  ;; (Σ (w·u >> 4)) >> 12 over the 12 inputs, weights at `weights`
  (func $predictLms (param $weights i32) (result i32)
    (i32.shr_s
      (call $lanes (i32x4.add
        (i32x4.add
          (i32x4.shr_s
            (i32x4.mul (v128.load offset=${LMS_INPUTS_AT} (i32.const 0)) (v128.load (local.get $weights)))
            (i32.const 4))
          (i32x4.shr_s
            (i32x4.mul
              (v128.load offset=${LMS_INPUTS_AT + 16} (i32.const 0))
              (v128.load offset=16 (local.get $weights)))
            (i32.const 4)))
        (i32x4.shr_s
          (i32x4.mul
            (v128.load offset=${LMS_INPUTS_AT + 32} (i32.const 0))
            (v128.load offset=32 (local.get $weights)))
          (i32.const 4))))
      (i32.const 12)))

  ;; Predicts the sample from the LMS inputs: returns the fast prediction, stores the slow one.
  (func (export "predictLms") (result i32)
    (global.set $fastLms (call $predictLms (i32.const ${FAST_LMS_WEIGHTS_AT})))
    (global.set $slowLms (call $predictLms (i32.const ${SLOW_LMS_WEIGHTS_AT})))
    (i32.store offset=${LMS_STATE_AT + 4} (i32.const 0) (global.get $slowLms))
    (global.get $fastLms))

  ;; w = clamp(w + (e·u >> shift), ±2^17) for one vector of four weights at `at`
  (func $learnLmsLanes (param $at i32) (param $inputs v128) (param $error v128) (param $shift i32)
    (local $step v128)
    (local.set $step (i32x4.mul (local.get $error) (local.get $inputs)))
    (v128.store (local.get $at) (i32x4.max_s
      (i32x4.min_s
        (i32x4.add
          (v128.load (local.get $at))
          (if (result v128) (i32.ge_s (local.get $shift) (i32.const 0))
            (then (i32x4.shr_s (local.get $step) (local.get $shift)))
            (else (i32x4.shl (local.get $step) (i32.sub (i32.const 0) (local.get $shift))))))
        (i32x4.splat (i32.const 131072)))
      (i32x4.splat (i32.const -131072)))))

  ;; One LMS step towards `target` for the weights at `weights` with prediction `prediction`.
  (func $learnLms (param $weights i32) (param $prediction i32) (param $target i32)
    (param $shift i32)
    (local $error i32) (local $e v128)
    (local.set $error (i32.sub (local.get $target) (local.get $prediction)))
    (local.set $error (select (i32.const 4095)
      (select (i32.const -4095) (local.get $error) (i32.lt_s (local.get $error) (i32.const -4095)))
      (i32.gt_s (local.get $error) (i32.const 4095))))
    (local.set $e (i32x4.splat (local.get $error)))
    (call $learnLmsLanes (local.get $weights)
      (v128.load offset=${LMS_INPUTS_AT} (i32.const 0)) (local.get $e) (local.get $shift))
    (call $learnLmsLanes (i32.add (local.get $weights) (i32.const 16))
      (v128.load offset=${LMS_INPUTS_AT + 16} (i32.const 0)) (local.get $e) (local.get $shift))
    (call $learnLmsLanes (i32.add (local.get $weights) (i32.const 32))
      (v128.load offset=${LMS_INPUTS_AT + 32} (i32.const 0)) (local.get $e) (local.get $shift)))

  ;; Both LMS predictors learn the sample's value (bits above lmsShift, minus the mean); the
  ;; step is shifted by floor(log2(64 + Σ u²)) + rate − 16.
  (func $learnSample
    (local $u0 v128) (local $u1 v128) (local $u2 v128) (local $log i32) (local $target i32)
    (local.set $u0 (v128.load offset=${LMS_INPUTS_AT} (i32.const 0)))
    (local.set $u1 (v128.load offset=${LMS_INPUTS_AT + 16} (i32.const 0)))
    (local.set $u2 (v128.load offset=${LMS_INPUTS_AT + 32} (i32.const 0)))
    (local.set $log (i32.sub (i32.const 31) (i32.clz (i32.add (i32.const 64) (call $lanes
      (i32x4.add
        (i32x4.add (i32x4.mul (local.get $u0) (local.get $u0)) (i32x4.mul (local.get $u1) (local.get $u1)))
        (i32x4.mul (local.get $u2) (local.get $u2))))))))
    (local.set $target (i32.sub
      (i32.shr_s (global.get $known) (global.get $lmsShift))
      (i32.load offset=${LMS_STATE_AT} (i32.const 0))))
    (call $learnLms (i32.const ${FAST_LMS_WEIGHTS_AT}) (global.get $fastLms) (local.get $target)
      (i32.add (local.get $log) (i32.sub (global.get $fastLmsRate) (i32.const 16))))
    (call $learnLms (i32.const ${SLOW_LMS_WEIGHTS_AT}) (global.get $slowLms) (local.get $target)
      (i32.add (local.get $log) (i32.sub (global.get $slowLmsRate) (i32.const 16))))
    (if (global.get $leastSquares) (then (call $learnOls (local.get $target)))))

  ;; Completes a sample without coding its bits (training counts): both LMS predictors learn
  ;; `value`. Call after predictLms(), instead of the sample's update() calls.
  (func (export "learnValue") (param $value i32)
    (global.set $known (local.get $value))
    (i32.store offset=${SAMPLE_VALUE_AT} (i32.const 0) (local.get $value))
    (call $learnSample))

  ;; ---- the least-squares predictor (docs/v2-stream.md §3.2; coder 2 only) ----------------
  ;; Predicts the sample from the taps (the LMS inputs, then eight more distant neighbours, all
  ;; mean-removed): (Σ w·x + 2^15) >> 16, clamped to ±2^20.
  (func (export "predictOls") (result i32)
    (local $j i32) (local $x v128) (local $sum v128) (local $p i64)
    (loop $taps
      (local.set $x (v128.load offset=${LMS_INPUTS_AT} (i32.shl (local.get $j) (i32.const 2))))
      (local.set $sum (i64x2.add (local.get $sum) (i64x2.add
        (i64x2.mul (i64x2.extend_low_i32x4_s (local.get $x))
          (v128.load offset=${OLS_WEIGHTS_AT} (i32.shl (local.get $j) (i32.const 3))))
        (i64x2.mul (i64x2.extend_high_i32x4_s (local.get $x))
          (v128.load offset=${OLS_WEIGHTS_AT + 16} (i32.shl (local.get $j) (i32.const 3)))))))
      (br_if $taps (i32.lt_u
        (local.tee $j (i32.add (local.get $j) (i32.const 4)))
        (i32.const ${OLS_TAPS}))))
    (local.set $p (i64.shr_s
      (i64.add (call $lanes64 (local.get $sum)) (i64.const 32768))
      (i64.const 16)))
    (i32.wrap_i64 (select (i64.const 1048576)
      (select (i64.const -1048576) (local.get $p) (i64.lt_s (local.get $p) (i64.const -1048576)))
      (i64.gt_s (local.get $p) (i64.const 1048576)))))

  (func $lanes64 (param $v v128) (result i64)
    (i64.add (i64x2.extract_lane 0 (local.get $v)) (i64x2.extract_lane 1 (local.get $v))))

  ;; S ← S − ((S + OLS_FORGET_HALF) >> OLS_FORGET_SHIFT) + term, for the two i64 sums at `at`
  ;; (rounding, not flooring, keeps the sums of products positive semi-definite enough for the
  ;; sweep to converge)
  (func $forgetAndAdd (param $at i32) (param $term v128)
    (local $sums v128)
    (local.set $sums (v128.load (local.get $at)))
    (v128.store (local.get $at) (i64x2.add
      (i64x2.sub (local.get $sums) (i64x2.shr_s
        (i64x2.add (local.get $sums) (i64x2.splat (i64.const ${OLS_FORGET_HALF})))
        (i32.const ${OLS_FORGET_SHIFT})))
      (local.get $term))))

  ;; The least-squares predictor learns that the sample is `target` (mean-removed): the sums
  ;; P_ij of x_i·x_j·2^OLS_SCALE and T_i of x_i·target·2^OLS_SCALE forget and add this sample
  ;; ($forgetAndAdd), then one Gauss–Seidel sweep, i = 0…OLS_TAPS − 1, moves the weights towards
  ;; the solution of (P + ridge·I)·w = 2^16·T:
  ;; w_i += (2^16·T_i − Σ_j P_ij·w_j − ridge·w_i) / (P_ii + ridge), truncated, clamped to
  ;; ±OLS_MAX_WEIGHT. P_ii ≥ 0, so the division never traps.
  (func $learnOls (param $target i32)
    (local $i i32) (local $j i32) (local $row i32) (local $at i32) (local $xi v128)
    (local $sums v128) (local $w i64) (local $t i64) (local $target_i i64)
    (local.set $t (i64.extend_i32_s (local.get $target)))
    (loop $rows
      (local.set $at (i32.shl (local.get $i) (i32.const 3)))
      (local.set $xi (i32x4.splat
        (i32.load offset=${LMS_INPUTS_AT} (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $row (i32.add (i32.const ${OLS_PRODUCTS_AT})
        (i32.mul (local.get $i) (i32.const ${OLS_ROW_BYTES}))))
      (local.set $j (i32.const 0))
      (loop $columns
        ;; four products x_i·x_j·2^OLS_SCALE: below 2^30 in magnitude, as |x| < 2^12
        (local.set $sums (i32x4.shl
          (i32x4.mul (local.get $xi) (v128.load offset=${LMS_INPUTS_AT} (local.get $j)))
          (i32.const ${OLS_SCALE})))
        (call $forgetAndAdd (local.get $row) (i64x2.extend_low_i32x4_s (local.get $sums)))
        (call $forgetAndAdd (i32.add (local.get $row) (i32.const 16))
          (i64x2.extend_high_i32x4_s (local.get $sums)))
        (local.set $row (i32.add (local.get $row) (i32.const 32)))
        (br_if $columns (i32.lt_u
          (local.tee $j (i32.add (local.get $j) (i32.const 16)))
          (i32.const ${OLS_TAP_BYTES}))))
      (local.set $target_i (i64.load offset=${OLS_TARGETS_AT} (local.get $at)))
      (i64.store offset=${OLS_TARGETS_AT} (local.get $at) (i64.add
        (i64.sub (local.get $target_i) (i64.shr_s
          (i64.add (local.get $target_i) (i64.const ${OLS_FORGET_HALF}))
          (i64.const ${OLS_FORGET_SHIFT})))
        (i64.shl
          (i64.mul (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $xi))) (local.get $t))
          (i64.const ${OLS_SCALE}))))
      (br_if $rows (i32.lt_u
        (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (i32.const ${OLS_TAPS}))))
    (local.set $i (i32.const 0))
    (loop $weights
      (local.set $at (i32.shl (local.get $i) (i32.const 3)))
      (local.set $row (i32.add (i32.const ${OLS_PRODUCTS_AT})
        (i32.mul (local.get $i) (i32.const ${OLS_ROW_BYTES}))))
      (local.set $sums (i64x2.splat (i64.const 0)))
      (local.set $j (i32.const 0))
      (loop $columns
        (local.set $sums (i64x2.add (local.get $sums) (i64x2.mul
          (v128.load (i32.add (local.get $row) (local.get $j)))
          (v128.load offset=${OLS_WEIGHTS_AT} (local.get $j)))))
        (br_if $columns (i32.lt_u
          (local.tee $j (i32.add (local.get $j) (i32.const 16)))
          (i32.const ${OLS_ROW_BYTES}))))
      (local.set $w (i64.load offset=${OLS_WEIGHTS_AT} (local.get $at)))
      (local.set $w (i64.add (local.get $w) (i64.div_s
        (i64.sub
          (i64.sub
            (i64.shl (i64.load offset=${OLS_TARGETS_AT} (local.get $at)) (i64.const 16))
            (call $lanes64 (local.get $sums)))
          (i64.mul (local.get $w) (i64.const ${OLS_RIDGE})))
        (i64.add
          (i64.load (i32.add (local.get $row) (local.get $at)))
          (i64.const ${OLS_RIDGE})))))
      (i64.store offset=${OLS_WEIGHTS_AT} (local.get $at) (select (i64.const ${OLS_MAX_WEIGHT})
        (select (i64.const -${OLS_MAX_WEIGHT}) (local.get $w)
          (i64.lt_s (local.get $w) (i64.const -${OLS_MAX_WEIGHT})))
        (i64.gt_s (local.get $w) (i64.const ${OLS_MAX_WEIGHT}))))
      (br_if $weights (i32.lt_u
        (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (i32.const ${OLS_TAPS})))))

  ;; ---- the bit model ----------------------------------------------------------------------
  ;; Locates the hashed slots (16 per context) of the next group of up to 4 bits, and their
  ;; buckets' checks.
  (func $startGroup
    (local $key i32) (local $j i32) (local $k i32)
    (local.set $key (i32.xor
      (i32.mul (i32.add (global.get $known) (i32.const 1)) (i32.const 0x2545f491))
      (i32.mul (i32.add (global.get $group) (i32.const 1)) (i32.const 0x6a09e667))))
    (loop $contexts
      (local.set $k (i32.mul
        (i32.xor (i32.load offset=${HASHES_AT} (local.get $j)) (local.get $key))
        (i32.const 0x85ebca6b)))
      (local.set $k (i32.mul
        (i32.xor (local.get $k) (i32.shr_u (local.get $k) (i32.const 13)))
        (i32.const 0xc2b2ae35)))
      (i32.store offset=${GROUP_BUCKETS_AT} (local.get $j) (i32.add
        (i32.const ${HASHED_FIRST_SLOT})
        (i32.shl (i32.shr_u (local.get $k) (global.get $hashShift)) (i32.const ${BUCKET_SHIFT}))))
      ;; The check: the hash's low 31 bits (never a fresh slot's value, whose top bit is set).
      (i32.store offset=${GROUP_CHECKS_AT} (local.get $j)
        (i32.and (local.get $k) (i32.const 0x7fffffff)))
      (br_if $contexts (i32.lt_u
        (local.tee $j (i32.add (local.get $j) (i32.const 4)))
        (i32.shl (global.get $hashedInputs) (i32.const 2)))))
    (global.set $groupResolved (i32.const 0))
    (global.set $node (i32.const 1)))

  ;; Starts a sample whose contexts the caller has written; returns its first bit's probability.
  (func (export "startSample") (result i32)
    (global.set $b (i32.sub (global.get $bits) (i32.const 1)))
    (global.set $known (i32.const 0))
    (global.set $group (i32.const 0))
    (call $startGroup)
    (call $p (global.get $b) (i32.const 0) (i32.const 1)))

  ;; The probability (12 bits, 1…4095, or with $certainty 16 bits, 1…65535) that bit `b` of the
  ;; sample is 1, given the bits above it (`known`, in place) and `node` (1 followed by the
  ;; current group's bits so far).
  (func $p (param $b i32) (param $known i32) (param $node i32) (result i32)
    (local $middle i32) (local $sure i32) (local $errorContext i32)
    (local $position i32) (local $mixed i32) (local $byPosition i32) (local $byError i32)
    (local $topShift i32) (local $byValue i32)
    (local.set $middle (i32.add (local.get $known) (i32.shl (i32.const 1) (local.get $b))))
    (local.set $errorContext (i32.or
      (i32.shl (local.get $b) (i32.const ${DIRECT_CLASS_SHIFT}))
      (i32.load offset=${ERROR_CLASS_AT} (i32.const 0))))
    (call $lookUpDirect (i32.const 0) (i32.const ${SHORT_PATH_TABLES}) (local.get $b) (local.get $middle))
    (local.set $sure (i32.add
      (i32.load offset=${INPUTS_AT} (i32.const 0))
      (i32.load offset=${INPUTS_AT + 4} (i32.const 0))))
    (global.set $short (i32.or
      (i32.gt_s (local.get $sure) (global.get $shortPathThreshold))
      (i32.lt_s (local.get $sure) (i32.sub (i32.const 0) (global.get $shortPathThreshold)))))
    (if (global.get $short)
      (then
        (local.set $mixed (call $apm (global.get $apmError)
          (i32.add
            (i32.shr_u
              (i32.load (call $slotAddress (i32.load offset=${SLOT_INDEX_AT} (i32.const 0))))
              (i32.const 21))
            (i32.shr_u
              (i32.load (call $slotAddress (i32.load offset=${SLOT_INDEX_AT + 4} (i32.const 0))))
              (i32.const 21)))
          (local.get $errorContext)))
        (global.set $cellError (global.get $apmCell))
        (global.set $weightError (global.get $apmWeight))
        (return (call $refine (call $clampProbability (local.get $mixed)) (local.get $b)))))
    (call $lookUpDirect (i32.const ${SHORT_PATH_TABLES}) (i32.const ${DIRECT_INPUTS})
      (local.get $b) (local.get $middle))
    (call $lookUpHashed (local.get $node))
    (local.set $position (i32.or
      (i32.shl (local.get $b) (i32.const ${CLASS_SHIFT}))
      (call $differenceBucket
        (i32.sub (i32.load offset=${PREDICTIONS_AT} (i32.const 0)) (local.get $middle)))))
    ;; The error- and texture-selected sets also by the pixel's phases (0 without phase sets).
    (i32.store offset=${SELECTED_SET_AT} (i32.const 0) (i32.or
      (i32.shl (local.get $errorContext) (i32.const ${ERROR_SET_PHASE_SHIFT}))
      (i32.load offset=${PHASES_AT} (i32.const 0))))
    (i32.store offset=${SELECTED_SET_AT + 4} (i32.const 0) (local.get $position))
    (i32.store offset=${SELECTED_SET_AT + 8} (i32.const 0) (i32.or
      (i32.shl
        (i32.or
          (i32.shl (local.get $b) (i32.const ${DIRECT_CLASS_SHIFT}))
          (i32.load offset=${TEXTURE_CLASS_AT} (i32.const 0)))
        (i32.const ${TEXTURE_SET_PHASE_SHIFT}))
      (i32.load offset=${PHASES_AT + 4} (i32.const 0))))
    (i32.store offset=${SELECTED_SET_AT + 12} (i32.const 0) (i32.or
      (i32.shl (local.get $b) (i32.const 8))
      (i32.load offset=${SHAPE_AT} (i32.const 0))))
    (local.set $topShift (select
      (i32.sub (global.get $bits) (i32.const 8))
      (i32.add (local.get $b) (i32.const 1))
      (i32.and
        (i32.gt_s (global.get $bits) (i32.const 8))
        (i32.lt_s
          (i32.add (local.get $b) (i32.const 1))
          (i32.sub (global.get $bits) (i32.const 8))))))
    (i32.store offset=${SELECTED_SET_AT + 16} (i32.const 0) (i32.or
      (i32.shl (local.get $b) (i32.const 8))
      (i32.and (i32.shr_s (local.get $known) (local.get $topShift)) (i32.const 255))))
    (local.set $mixed (call $mix (local.get $b)))
    (local.set $byPosition (call $apm (global.get $apmPosition) (local.get $mixed)
      (local.get $position)))
    (global.set $cellPosition (global.get $apmCell))
    (global.set $weightPosition (global.get $apmWeight))
    (local.set $byError (call $apm (global.get $apmError) (local.get $mixed)
      (local.get $errorContext)))
    (global.set $cellError (global.get $apmCell))
    (global.set $weightError (global.get $apmWeight))
    (local.set $byValue (call $apm (global.get $apmValue) (local.get $mixed)
      (i32.or
        (i32.shl (local.get $b) (i32.const 8))
        (i32.and (i32.shr_s (local.get $known) (local.get $topShift)) (i32.const 255)))))
    (global.set $cellValue (global.get $apmCell))
    (global.set $weightValue (global.get $apmWeight))
    (call $refine
      (call $clampProbability (i32.shr_s
        (i32.add
          (i32.add (local.get $mixed) (local.get $byPosition))
          (i32.add (i32.add (local.get $byError) (local.get $byValue)) (i32.const 2)))
        (i32.const 2)))
      (local.get $b)))

  ;; How many direct tables the last p() used: 2 on the short path, else 9.
  (func (export "directTablesUsed") (result i32)
    (select (i32.const ${SHORT_PATH_TABLES}) (i32.const ${DIRECT_INPUTS}) (global.get $short)))

  ;; Learns from the coded bit and returns the next bit's probability, or 0 after the last bit
  ;; of the sample.
  (func (export "update") (param $bit i32) (result i32)
    (call $learn (local.get $bit))
    (global.set $known (i32.or (global.get $known) (i32.shl (local.get $bit) (global.get $b))))
    (global.set $node (i32.or (i32.shl (global.get $node) (i32.const 1)) (local.get $bit)))
    (if (i32.eqz (global.get $b))
      (then
        (i32.store offset=${SAMPLE_VALUE_AT} (i32.const 0) (global.get $known))
        (call $learnSample)
        (return (i32.const 0))))
    (global.set $b (i32.sub (global.get $b) (i32.const 1)))
    (if (i32.ge_u (global.get $node) (i32.const 16))
      (then
        (global.set $group (i32.add (global.get $group) (i32.const 1)))
        (call $startGroup)))
    (call $p (global.get $b) (global.get $known) (global.get $node)))

  ;; Trains everything the last p() used on the coded bit.
  (func $learn (param $bit i32)
    (call $learnCertainty (local.get $bit))
    (call $updateSlots (i32.const 0) (i32.const ${SHORT_PATH_TABLES}) (local.get $bit) (i32.const 1023))
    (call $updateApm (global.get $cellError) (global.get $weightError) (local.get $bit)
      (i32.const 5))
    (if (global.get $short) (then (return)))
    (call $updateSlots (i32.const ${SHORT_PATH_TABLES}) (i32.const ${DIRECT_INPUTS})
      (local.get $bit) (i32.const 1023))
    (call $updateSlots (i32.const ${DIRECT_INPUTS})
      (i32.add (i32.const ${DIRECT_INPUTS}) (global.get $hashedInputs)) (local.get $bit)
      (global.get $hashedLimit))
    (call $updateNetwork (local.get $bit))
    (call $updateApm (global.get $cellPosition) (global.get $weightPosition) (local.get $bit)
      (i32.const 7))
    (call $updateApm (global.get $cellValue) (global.get $weightValue) (local.get $bit)
      (i32.const 6))))
