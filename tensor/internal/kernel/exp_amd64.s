//go:build !purego

#include "textflag.h"

// The exponential in AVX2+FMA and AVX-512F: the algorithm of exp.go, lane by lane.
//
//   x  = min(max(x + shift, −104), 89)     NaN passes: x is the operand returned on NaN
//   t  = x·log2e + 1.5·2^23                fused; the low mantissa bits of t hold n = round(x·log2e)
//   n  = t − 1.5·2^23
//   r  = x − n·ln2Hi − n·ln2Lo              two fused steps
//   q  = c7, then q = q·r + c6 … c2         Horner
//   p  = (q·r² + r) + 1                     e^r
//   k  = bits(t) − bits(1.5·2^23)           the integer n
//   y  = p · 2^(k>>1) · 2^(k−(k>>1))        exponent fields built by shifts; 127<<23 = bits(1.0)
//
// Go operand order: "VFMADD213PS c, b, a" is a = a·b + c, "VFNMADD231PS c, b, a" is
// a = a − b·c, "VMINPS x, y, d" is d = y < x ? y : x (x on NaN).

DATA expConst<>+0(SB)/4, $0x42b20000  // 89.0, upper clamp
DATA expConst<>+4(SB)/4, $0xc2d00000  // -104.0, lower clamp
DATA expConst<>+8(SB)/4, $0x3fb8aa3b  // log2(e)
DATA expConst<>+12(SB)/4, $0x4b400000 // 1.5·2^23, the rounding constant
DATA expConst<>+16(SB)/4, $0x3f318000 // ln2Hi = 355/512
DATA expConst<>+20(SB)/4, $0xb95e8083 // ln2Lo = ln2 − ln2Hi
DATA expConst<>+24(SB)/4, $0x39500d01 // c7 = 1/5040
DATA expConst<>+28(SB)/4, $0x3ab60b61 // c6 = 1/720
DATA expConst<>+32(SB)/4, $0x3c088889 // c5 = 1/120
DATA expConst<>+36(SB)/4, $0x3d2aaaab // c4 = 1/24
DATA expConst<>+40(SB)/4, $0x3e2aaaab // c3 = 1/6
DATA expConst<>+44(SB)/4, $0x3f000000 // c2 = 1/2
DATA expConst<>+48(SB)/4, $0x3f800000 // 1.0, also 127<<23
GLOBL expConst<>(SB), RODATA|NOPTR, $52

// Constants of the activations (activation.go): the tanh polynomial P0…P5, its threshold,
// √(2/π), GELU's cubic coefficient, GELU's lower clamp and the sign bit.
DATA actConst<>+0(SB)/4, $0xbeaaaaaa  // tanhP0
DATA actConst<>+4(SB)/4, $0x3e08885e  // tanhP1
DATA actConst<>+8(SB)/4, $0xbd5cff4a  // tanhP2
DATA actConst<>+12(SB)/4, $0x3cb21839 // tanhP3
DATA actConst<>+16(SB)/4, $0xbc077c98 // tanhP4
DATA actConst<>+20(SB)/4, $0x3b11aff8 // tanhP5
DATA actConst<>+24(SB)/4, $0x3f200000 // tanhSmall = 0.625
DATA actConst<>+28(SB)/4, $0x3f4c422a // geluC = √(2/π)
DATA actConst<>+32(SB)/4, $0x3d372713 // geluA = 0.044715
DATA actConst<>+36(SB)/4, $0xc1a00000 // geluMin = −20
DATA actConst<>+40(SB)/4, $0x80000000 // sign bit
GLOBL actConst<>(SB), RODATA|NOPTR, $44

// c7…c3 eight times over, memory operands of the AVX2 Horner steps (AVX2 has too few
// registers to hold every constant).
DATA expYC7<>+0(SB)/4, $0x39500d01
DATA expYC7<>+4(SB)/4, $0x39500d01
DATA expYC7<>+8(SB)/4, $0x39500d01
DATA expYC7<>+12(SB)/4, $0x39500d01
DATA expYC7<>+16(SB)/4, $0x39500d01
DATA expYC7<>+20(SB)/4, $0x39500d01
DATA expYC7<>+24(SB)/4, $0x39500d01
DATA expYC7<>+28(SB)/4, $0x39500d01
GLOBL expYC7<>(SB), RODATA|NOPTR, $32

DATA expYC6<>+0(SB)/4, $0x3ab60b61
DATA expYC6<>+4(SB)/4, $0x3ab60b61
DATA expYC6<>+8(SB)/4, $0x3ab60b61
DATA expYC6<>+12(SB)/4, $0x3ab60b61
DATA expYC6<>+16(SB)/4, $0x3ab60b61
DATA expYC6<>+20(SB)/4, $0x3ab60b61
DATA expYC6<>+24(SB)/4, $0x3ab60b61
DATA expYC6<>+28(SB)/4, $0x3ab60b61
GLOBL expYC6<>(SB), RODATA|NOPTR, $32

DATA expYC5<>+0(SB)/4, $0x3c088889
DATA expYC5<>+4(SB)/4, $0x3c088889
DATA expYC5<>+8(SB)/4, $0x3c088889
DATA expYC5<>+12(SB)/4, $0x3c088889
DATA expYC5<>+16(SB)/4, $0x3c088889
DATA expYC5<>+20(SB)/4, $0x3c088889
DATA expYC5<>+24(SB)/4, $0x3c088889
DATA expYC5<>+28(SB)/4, $0x3c088889
GLOBL expYC5<>(SB), RODATA|NOPTR, $32

DATA expYC4<>+0(SB)/4, $0x3d2aaaab
DATA expYC4<>+4(SB)/4, $0x3d2aaaab
DATA expYC4<>+8(SB)/4, $0x3d2aaaab
DATA expYC4<>+12(SB)/4, $0x3d2aaaab
DATA expYC4<>+16(SB)/4, $0x3d2aaaab
DATA expYC4<>+20(SB)/4, $0x3d2aaaab
DATA expYC4<>+24(SB)/4, $0x3d2aaaab
DATA expYC4<>+28(SB)/4, $0x3d2aaaab
GLOBL expYC4<>(SB), RODATA|NOPTR, $32

DATA expYC3<>+0(SB)/4, $0x3e2aaaab
DATA expYC3<>+4(SB)/4, $0x3e2aaaab
DATA expYC3<>+8(SB)/4, $0x3e2aaaab
DATA expYC3<>+12(SB)/4, $0x3e2aaaab
DATA expYC3<>+16(SB)/4, $0x3e2aaaab
DATA expYC3<>+20(SB)/4, $0x3e2aaaab
DATA expYC3<>+24(SB)/4, $0x3e2aaaab
DATA expYC3<>+28(SB)/4, $0x3e2aaaab
GLOBL expYC3<>(SB), RODATA|NOPTR, $32


// More constants eight times over, for the AVX2 activations, which keep only the clamp
// bounds of the exponential in registers.
DATA expYLOG2E<>+0(SB)/4, $0x3fb8aa3b
DATA expYLOG2E<>+4(SB)/4, $0x3fb8aa3b
DATA expYLOG2E<>+8(SB)/4, $0x3fb8aa3b
DATA expYLOG2E<>+12(SB)/4, $0x3fb8aa3b
DATA expYLOG2E<>+16(SB)/4, $0x3fb8aa3b
DATA expYLOG2E<>+20(SB)/4, $0x3fb8aa3b
DATA expYLOG2E<>+24(SB)/4, $0x3fb8aa3b
DATA expYLOG2E<>+28(SB)/4, $0x3fb8aa3b
GLOBL expYLOG2E<>(SB), RODATA|NOPTR, $32

DATA expYMAGIC<>+0(SB)/4, $0x4b400000
DATA expYMAGIC<>+4(SB)/4, $0x4b400000
DATA expYMAGIC<>+8(SB)/4, $0x4b400000
DATA expYMAGIC<>+12(SB)/4, $0x4b400000
DATA expYMAGIC<>+16(SB)/4, $0x4b400000
DATA expYMAGIC<>+20(SB)/4, $0x4b400000
DATA expYMAGIC<>+24(SB)/4, $0x4b400000
DATA expYMAGIC<>+28(SB)/4, $0x4b400000
GLOBL expYMAGIC<>(SB), RODATA|NOPTR, $32

DATA expYLN2HI<>+0(SB)/4, $0x3f318000
DATA expYLN2HI<>+4(SB)/4, $0x3f318000
DATA expYLN2HI<>+8(SB)/4, $0x3f318000
DATA expYLN2HI<>+12(SB)/4, $0x3f318000
DATA expYLN2HI<>+16(SB)/4, $0x3f318000
DATA expYLN2HI<>+20(SB)/4, $0x3f318000
DATA expYLN2HI<>+24(SB)/4, $0x3f318000
DATA expYLN2HI<>+28(SB)/4, $0x3f318000
GLOBL expYLN2HI<>(SB), RODATA|NOPTR, $32

DATA expYLN2LO<>+0(SB)/4, $0xb95e8083
DATA expYLN2LO<>+4(SB)/4, $0xb95e8083
DATA expYLN2LO<>+8(SB)/4, $0xb95e8083
DATA expYLN2LO<>+12(SB)/4, $0xb95e8083
DATA expYLN2LO<>+16(SB)/4, $0xb95e8083
DATA expYLN2LO<>+20(SB)/4, $0xb95e8083
DATA expYLN2LO<>+24(SB)/4, $0xb95e8083
DATA expYLN2LO<>+28(SB)/4, $0xb95e8083
GLOBL expYLN2LO<>(SB), RODATA|NOPTR, $32

DATA expYC2<>+0(SB)/4, $0x3f000000
DATA expYC2<>+4(SB)/4, $0x3f000000
DATA expYC2<>+8(SB)/4, $0x3f000000
DATA expYC2<>+12(SB)/4, $0x3f000000
DATA expYC2<>+16(SB)/4, $0x3f000000
DATA expYC2<>+20(SB)/4, $0x3f000000
DATA expYC2<>+24(SB)/4, $0x3f000000
DATA expYC2<>+28(SB)/4, $0x3f000000
GLOBL expYC2<>(SB), RODATA|NOPTR, $32

DATA expYONE<>+0(SB)/4, $0x3f800000
DATA expYONE<>+4(SB)/4, $0x3f800000
DATA expYONE<>+8(SB)/4, $0x3f800000
DATA expYONE<>+12(SB)/4, $0x3f800000
DATA expYONE<>+16(SB)/4, $0x3f800000
DATA expYONE<>+20(SB)/4, $0x3f800000
DATA expYONE<>+24(SB)/4, $0x3f800000
DATA expYONE<>+28(SB)/4, $0x3f800000
GLOBL expYONE<>(SB), RODATA|NOPTR, $32

DATA actYSIGN<>+0(SB)/4, $0x80000000
DATA actYSIGN<>+4(SB)/4, $0x80000000
DATA actYSIGN<>+8(SB)/4, $0x80000000
DATA actYSIGN<>+12(SB)/4, $0x80000000
DATA actYSIGN<>+16(SB)/4, $0x80000000
DATA actYSIGN<>+20(SB)/4, $0x80000000
DATA actYSIGN<>+24(SB)/4, $0x80000000
DATA actYSIGN<>+28(SB)/4, $0x80000000
GLOBL actYSIGN<>(SB), RODATA|NOPTR, $32

DATA actYABS<>+0(SB)/4, $0x7fffffff
DATA actYABS<>+4(SB)/4, $0x7fffffff
DATA actYABS<>+8(SB)/4, $0x7fffffff
DATA actYABS<>+12(SB)/4, $0x7fffffff
DATA actYABS<>+16(SB)/4, $0x7fffffff
DATA actYABS<>+20(SB)/4, $0x7fffffff
DATA actYABS<>+24(SB)/4, $0x7fffffff
DATA actYABS<>+28(SB)/4, $0x7fffffff
GLOBL actYABS<>(SB), RODATA|NOPTR, $32

DATA actYP0<>+0(SB)/4, $0xbeaaaaaa
DATA actYP0<>+4(SB)/4, $0xbeaaaaaa
DATA actYP0<>+8(SB)/4, $0xbeaaaaaa
DATA actYP0<>+12(SB)/4, $0xbeaaaaaa
DATA actYP0<>+16(SB)/4, $0xbeaaaaaa
DATA actYP0<>+20(SB)/4, $0xbeaaaaaa
DATA actYP0<>+24(SB)/4, $0xbeaaaaaa
DATA actYP0<>+28(SB)/4, $0xbeaaaaaa
GLOBL actYP0<>(SB), RODATA|NOPTR, $32

DATA actYP1<>+0(SB)/4, $0x3e08885e
DATA actYP1<>+4(SB)/4, $0x3e08885e
DATA actYP1<>+8(SB)/4, $0x3e08885e
DATA actYP1<>+12(SB)/4, $0x3e08885e
DATA actYP1<>+16(SB)/4, $0x3e08885e
DATA actYP1<>+20(SB)/4, $0x3e08885e
DATA actYP1<>+24(SB)/4, $0x3e08885e
DATA actYP1<>+28(SB)/4, $0x3e08885e
GLOBL actYP1<>(SB), RODATA|NOPTR, $32

DATA actYP2<>+0(SB)/4, $0xbd5cff4a
DATA actYP2<>+4(SB)/4, $0xbd5cff4a
DATA actYP2<>+8(SB)/4, $0xbd5cff4a
DATA actYP2<>+12(SB)/4, $0xbd5cff4a
DATA actYP2<>+16(SB)/4, $0xbd5cff4a
DATA actYP2<>+20(SB)/4, $0xbd5cff4a
DATA actYP2<>+24(SB)/4, $0xbd5cff4a
DATA actYP2<>+28(SB)/4, $0xbd5cff4a
GLOBL actYP2<>(SB), RODATA|NOPTR, $32

DATA actYP3<>+0(SB)/4, $0x3cb21839
DATA actYP3<>+4(SB)/4, $0x3cb21839
DATA actYP3<>+8(SB)/4, $0x3cb21839
DATA actYP3<>+12(SB)/4, $0x3cb21839
DATA actYP3<>+16(SB)/4, $0x3cb21839
DATA actYP3<>+20(SB)/4, $0x3cb21839
DATA actYP3<>+24(SB)/4, $0x3cb21839
DATA actYP3<>+28(SB)/4, $0x3cb21839
GLOBL actYP3<>(SB), RODATA|NOPTR, $32

DATA actYP4<>+0(SB)/4, $0xbc077c98
DATA actYP4<>+4(SB)/4, $0xbc077c98
DATA actYP4<>+8(SB)/4, $0xbc077c98
DATA actYP4<>+12(SB)/4, $0xbc077c98
DATA actYP4<>+16(SB)/4, $0xbc077c98
DATA actYP4<>+20(SB)/4, $0xbc077c98
DATA actYP4<>+24(SB)/4, $0xbc077c98
DATA actYP4<>+28(SB)/4, $0xbc077c98
GLOBL actYP4<>(SB), RODATA|NOPTR, $32

DATA actYP5<>+0(SB)/4, $0x3b11aff8
DATA actYP5<>+4(SB)/4, $0x3b11aff8
DATA actYP5<>+8(SB)/4, $0x3b11aff8
DATA actYP5<>+12(SB)/4, $0x3b11aff8
DATA actYP5<>+16(SB)/4, $0x3b11aff8
DATA actYP5<>+20(SB)/4, $0x3b11aff8
DATA actYP5<>+24(SB)/4, $0x3b11aff8
DATA actYP5<>+28(SB)/4, $0x3b11aff8
GLOBL actYP5<>(SB), RODATA|NOPTR, $32

DATA actYSMALL<>+0(SB)/4, $0x3f200000
DATA actYSMALL<>+4(SB)/4, $0x3f200000
DATA actYSMALL<>+8(SB)/4, $0x3f200000
DATA actYSMALL<>+12(SB)/4, $0x3f200000
DATA actYSMALL<>+16(SB)/4, $0x3f200000
DATA actYSMALL<>+20(SB)/4, $0x3f200000
DATA actYSMALL<>+24(SB)/4, $0x3f200000
DATA actYSMALL<>+28(SB)/4, $0x3f200000
GLOBL actYSMALL<>(SB), RODATA|NOPTR, $32

DATA actYC<>+0(SB)/4, $0x3f4c422a
DATA actYC<>+4(SB)/4, $0x3f4c422a
DATA actYC<>+8(SB)/4, $0x3f4c422a
DATA actYC<>+12(SB)/4, $0x3f4c422a
DATA actYC<>+16(SB)/4, $0x3f4c422a
DATA actYC<>+20(SB)/4, $0x3f4c422a
DATA actYC<>+24(SB)/4, $0x3f4c422a
DATA actYC<>+28(SB)/4, $0x3f4c422a
GLOBL actYC<>(SB), RODATA|NOPTR, $32

// tailMask8+32−4m holds m all-ones lanes followed by zero lanes: the AVX2 tail mask for m < 8.
DATA tailMask8<>+0(SB)/4, $0xffffffff
DATA tailMask8<>+4(SB)/4, $0xffffffff
DATA tailMask8<>+8(SB)/4, $0xffffffff
DATA tailMask8<>+12(SB)/4, $0xffffffff
DATA tailMask8<>+16(SB)/4, $0xffffffff
DATA tailMask8<>+20(SB)/4, $0xffffffff
DATA tailMask8<>+24(SB)/4, $0xffffffff
DATA tailMask8<>+28(SB)/4, $0xffffffff
DATA tailMask8<>+32(SB)/4, $0x00000000
DATA tailMask8<>+36(SB)/4, $0x00000000
DATA tailMask8<>+40(SB)/4, $0x00000000
DATA tailMask8<>+44(SB)/4, $0x00000000
DATA tailMask8<>+48(SB)/4, $0x00000000
DATA tailMask8<>+52(SB)/4, $0x00000000
DATA tailMask8<>+56(SB)/4, $0x00000000
DATA tailMask8<>+60(SB)/4, $0x00000000
GLOBL tailMask8<>(SB), RODATA|NOPTR, $64

// EXPY computes e^x for the eight lanes of x into q; it clobbers x, t, n and r2. It expects
// Y7 = 89, Y8 = −104, Y9 = log2e, Y10 = 1.5·2^23, Y11 = ln2Hi, Y12 = ln2Lo, Y13 = 1, Y14 = c2.
#define EXPY(x, t, n, q, r2) \
	VMINPS x, Y7, x; \
	VMAXPS x, Y8, x; \
	VMOVAPS x, t; \
	VFMADD213PS Y10, Y9, t; \
	VSUBPS Y10, t, n; \
	VFNMADD231PS Y11, n, x; \
	VFNMADD231PS Y12, n, x; \
	VMOVUPS expYC7<>(SB), q; \
	VFMADD213PS expYC6<>(SB), x, q; \
	VFMADD213PS expYC5<>(SB), x, q; \
	VFMADD213PS expYC4<>(SB), x, q; \
	VFMADD213PS expYC3<>(SB), x, q; \
	VFMADD213PS Y14, x, q; \
	VMULPS x, x, r2; \
	VFMADD213PS x, r2, q; \
	VADDPS Y13, q, q; \
	VPSUBD Y10, t, t; \
	VPSRAD $1, t, n; \
	VPSLLD $23, t, t; \
	VPSLLD $23, n, n; \
	VPSUBD n, t, t; \
	VPADDD Y13, n, n; \
	VPADDD Y13, t, t; \
	VMULPS n, q, q; \
	VMULPS t, q, q

// EXPCONSTY loads the constants of EXPY.
#define EXPCONSTY \
	VBROADCASTSS expConst<>+0(SB), Y7; \
	VBROADCASTSS expConst<>+4(SB), Y8; \
	VBROADCASTSS expConst<>+8(SB), Y9; \
	VBROADCASTSS expConst<>+12(SB), Y10; \
	VBROADCASTSS expConst<>+16(SB), Y11; \
	VBROADCASTSS expConst<>+20(SB), Y12; \
	VBROADCASTSS expConst<>+48(SB), Y13; \
	VBROADCASTSS expConst<>+44(SB), Y14

#include "exp_amd64.h"

// The AVX-512 kernels return with Z16–Z31 as they left them (VZEROUPPER clears only the upper
// halves of Z0–Z15). Clearing Z16–Z31 too before returning was measured to slow the vector
// kernels that run next: with it, the KV-cache decoding of nanogpt-cpu ran 5–11% slower.

// EXPCONSTZ loads the constants of EXPZ.
#define EXPCONSTZ \
	VBROADCASTSS expConst<>+0(SB), Z17; \
	VBROADCASTSS expConst<>+4(SB), Z18; \
	VBROADCASTSS expConst<>+8(SB), Z19; \
	VBROADCASTSS expConst<>+12(SB), Z20; \
	VBROADCASTSS expConst<>+16(SB), Z21; \
	VBROADCASTSS expConst<>+20(SB), Z22; \
	VBROADCASTSS expConst<>+48(SB), Z23; \
	VBROADCASTSS expConst<>+44(SB), Z24; \
	VBROADCASTSS expConst<>+40(SB), Z25; \
	VBROADCASTSS expConst<>+36(SB), Z26; \
	VBROADCASTSS expConst<>+32(SB), Z27; \
	VBROADCASTSS expConst<>+28(SB), Z28; \
	VBROADCASTSS expConst<>+24(SB), Z29

// func expAVX2(dst, x []float32, shift float32) float32
// dst[i] = e^(x[i]+shift); returns the sum of dst in one vector accumulator (masked-off tail
// lanes cleared), reduced across lanes at the end.
TEXT ·expAVX2(SB), NOSPLIT, $0-60
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	VBROADCASTSS shift+48(FP), Y6
	EXPCONSTY
	VXORPS Y5, Y5, Y5

exp2_8:
	CMPQ CX, $8
	JLT  exp2_tail
	VMOVUPS (SI), Y0
	VADDPS Y6, Y0, Y0
	EXPY(Y0, Y1, Y2, Y3, Y4)
	VMOVUPS Y3, (DI)
	VADDPS Y3, Y5, Y5
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  exp2_8

exp2_tail:
	TESTQ CX, CX
	JEQ   exp2_done
	LEAQ tailMask8<>+32(SB), AX
	SHLQ $2, CX
	SUBQ CX, AX
	VMOVDQU (AX), Y15
	VMASKMOVPS (SI), Y15, Y0
	VADDPS Y6, Y0, Y0
	EXPY(Y0, Y1, Y2, Y3, Y4)
	VMASKMOVPS Y3, Y15, (DI)
	VANDPS Y15, Y3, Y3
	VADDPS Y3, Y5, Y5

exp2_done:
	VMOVAPS Y5, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VMOVHLPS X0, X0, X1
	VADDPS X1, X0, X0
	VMOVSHDUP X0, X1
	VADDSS X1, X0, X0
	VZEROUPPER
	MOVSS X0, ret+56(FP)
	RET

// func expAVX512(dst, x []float32, shift float32) float32
// Two vectors per step (sums in Z10 and Z11), then one-vector steps and the masked tail into
// Z10; the sum is Z10+Z11 reduced across lanes.
TEXT ·expAVX512(SB), NOSPLIT, $0-60
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	VBROADCASTSS shift+48(FP), Z16
	EXPCONSTZ
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11

exp5_32:
	CMPQ CX, $32
	JLT  exp5_16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z5
	VADDPS Z16, Z0, Z0
	VADDPS Z16, Z5, Z5
	EXPZ(Z0, Z1, Z2, Z3, Z4)
	EXPZ(Z5, Z6, Z7, Z8, Z9)
	VMOVUPS Z3, (DI)
	VMOVUPS Z8, 64(DI)
	VADDPS Z3, Z10, Z10
	VADDPS Z8, Z11, Z11
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  exp5_32

exp5_16:
	CMPQ CX, $16
	JLT  exp5_tail
	VMOVUPS (SI), Z0
	VADDPS Z16, Z0, Z0
	EXPZ(Z0, Z1, Z2, Z3, Z4)
	VMOVUPS Z3, (DI)
	VADDPS Z3, Z10, Z10
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  exp5_16

exp5_tail:
	TESTQ CX, CX
	JEQ   exp5_done
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K1
	VMOVUPS.Z (SI), K1, Z0
	VADDPS Z16, Z0, Z0
	EXPZ(Z0, Z1, Z2, Z3, Z4)
	VMOVUPS Z3, K1, (DI)
	VADDPS Z3, Z10, K1, Z10

exp5_done:
	VADDPS Z11, Z10, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VMOVHLPS X0, X0, X1
	VADDPS X1, X0, X0
	VMOVSHDUP X0, X1
	VADDSS X1, X0, X0
	VZEROUPPER
	MOVSS X0, ret+56(FP)
	RET

// UNARYZ is the loop of the AVX-512 activations: BODY maps x in Z5 to the result in Z3, on
// sixteen lanes per step and a masked tail. Pointers: SI = x, DI = dst, CX = len.
#define UNARYZ(BODY, L16, TAIL, DONE) \
L16: \
	CMPQ CX, $16; \
	JLT  TAIL; \
	VMOVUPS (SI), Z5; \
	BODY; \
	VMOVUPS Z3, (DI); \
	ADDQ $64, SI; \
	ADDQ $64, DI; \
	SUBQ $16, CX; \
	JMP  L16; \
TAIL: \
	TESTQ CX, CX; \
	JEQ   DONE; \
	MOVL $1, AX; \
	SHLL CX, AX; \
	DECL AX; \
	KMOVW AX, K1; \
	VMOVUPS.Z (SI), K1, Z5; \
	BODY; \
	VMOVUPS Z3, K1, (DI); \
DONE: \
	VZEROUPPER; \
	RET

// SIGMOIDZ: e = e^(−|x|) (x with its sign bit set), then (x < 0 ? e : 1)/(1 + e).
// Z30 = sign bit, Z31 = 0.
#define SIGMOIDZ \
	VPORD Z30, Z5, Z0; \
	EXPZ(Z0, Z1, Z2, Z3, Z4); \
	VADDPS Z23, Z3, Z6; \
	VMOVAPS Z23, Z7; \
	VCMPPS $1, Z31, Z5, K2; \
	VMOVAPS Z3, K2, Z7; \
	VDIVPS Z6, Z7, Z3

// TANHZ: for |x| ≥ 0.625, sign(x)·(1−e)/(1+e) with e = e^(−2|x|); below, x + x·s·P(s) with
// s = x². Z10…Z15 = P0…P5, Z16 = 0.625, Z30 = sign bit.
#define TANHZ \
	VPANDND Z5, Z30, Z6; \
	VADDPS Z6, Z6, Z0; \
	VPORD Z30, Z0, Z0; \
	EXPZ(Z0, Z1, Z2, Z3, Z4); \
	VSUBPS Z3, Z23, Z7; \
	VADDPS Z23, Z3, Z8; \
	VDIVPS Z8, Z7, Z7; \
	VPANDD Z30, Z5, Z8; \
	VPORD Z8, Z7, Z7; \
	VMULPS Z5, Z5, Z8; \
	VMOVAPS Z15, Z9; \
	VFMADD213PS Z14, Z8, Z9; \
	VFMADD213PS Z13, Z8, Z9; \
	VFMADD213PS Z12, Z8, Z9; \
	VFMADD213PS Z11, Z8, Z9; \
	VFMADD213PS Z10, Z8, Z9; \
	VMULPS Z8, Z5, Z8; \
	VFMADD213PS Z5, Z8, Z9; \
	VCMPPS $1, Z16, Z6, K2; \
	VMOVAPS Z9, K2, Z7; \
	VMOVAPS Z7, Z3

// GELUZ: x = max(x, −20); z = (C·x)·(A·x² + 1); e = e^(−2|z|);
// x·((x < 0 ? e : 1)/(1 + e)). Z10 = C, Z11 = A, Z12 = −20, Z30 = sign bit, Z31 = 0.
#define GELUZ \
	VMAXPS Z5, Z12, Z5; \
	VMULPS Z5, Z5, Z6; \
	VFMADD213PS Z23, Z11, Z6; \
	VMULPS Z10, Z5, Z7; \
	VMULPS Z6, Z7, Z7; \
	VADDPS Z7, Z7, Z0; \
	VPORD Z30, Z0, Z0; \
	EXPZ(Z0, Z1, Z2, Z3, Z4); \
	VADDPS Z23, Z3, Z6; \
	VMOVAPS Z23, Z8; \
	VCMPPS $1, Z31, Z5, K2; \
	VMOVAPS Z3, K2, Z8; \
	VDIVPS Z6, Z8, Z8; \
	VMULPS Z8, Z5, Z3

// func sigmoidAVX512(dst, x []float32)
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	EXPCONSTZ
	VPBROADCASTD actConst<>+40(SB), Z30
	VPXORD Z31, Z31, Z31
	UNARYZ(SIGMOIDZ, sig5_16, sig5_tail, sig5_done)

// func tanhAVX512(dst, x []float32)
TEXT ·tanhAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	EXPCONSTZ
	VBROADCASTSS actConst<>+0(SB), Z10
	VBROADCASTSS actConst<>+4(SB), Z11
	VBROADCASTSS actConst<>+8(SB), Z12
	VBROADCASTSS actConst<>+12(SB), Z13
	VBROADCASTSS actConst<>+16(SB), Z14
	VBROADCASTSS actConst<>+20(SB), Z15
	VBROADCASTSS actConst<>+24(SB), Z16
	VPBROADCASTD actConst<>+40(SB), Z30
	UNARYZ(TANHZ, tanh5_16, tanh5_tail, tanh5_done)

// func geluTanhAVX512(dst, x []float32)
TEXT ·geluTanhAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	EXPCONSTZ
	VBROADCASTSS actConst<>+28(SB), Z10
	VBROADCASTSS actConst<>+32(SB), Z11
	VBROADCASTSS actConst<>+36(SB), Z12
	VPBROADCASTD actConst<>+40(SB), Z30
	VPXORD Z31, Z31, Z31
	UNARYZ(GELUZ, gelu5_16, gelu5_tail, gelu5_done)

// EXPYM is EXPY with its constants in memory except the clamp bounds, Y14 = 89 and
// Y15 = −104, leaving registers free for the activations around it.
#define EXPYM(x, t, n, q, r2) \
	VMINPS x, Y14, x; \
	VMAXPS x, Y15, x; \
	VMOVUPS expYMAGIC<>(SB), t; \
	VFMADD231PS expYLOG2E<>(SB), x, t; \
	VSUBPS expYMAGIC<>(SB), t, n; \
	VFNMADD231PS expYLN2HI<>(SB), n, x; \
	VFNMADD231PS expYLN2LO<>(SB), n, x; \
	VMOVUPS expYC7<>(SB), q; \
	VFMADD213PS expYC6<>(SB), x, q; \
	VFMADD213PS expYC5<>(SB), x, q; \
	VFMADD213PS expYC4<>(SB), x, q; \
	VFMADD213PS expYC3<>(SB), x, q; \
	VFMADD213PS expYC2<>(SB), x, q; \
	VMULPS x, x, r2; \
	VFMADD213PS x, r2, q; \
	VADDPS expYONE<>(SB), q, q; \
	VPSUBD expYMAGIC<>(SB), t, t; \
	VPSRAD $1, t, n; \
	VPSLLD $23, t, t; \
	VPSLLD $23, n, n; \
	VPSUBD n, t, t; \
	VPADDD expYONE<>(SB), n, n; \
	VPADDD expYONE<>(SB), t, t; \
	VMULPS n, q, q; \
	VMULPS t, q, q

// UNARYY is the loop of the AVX2 activations: BODY maps x in Y5 to the result in Y3, eight
// lanes per step, then one step under the VMASKMOVPS mask Y13. SI = x, DI = dst, CX = len.
#define UNARYY(BODY, L8, TAIL, DONE) \
L8: \
	CMPQ CX, $8; \
	JLT  TAIL; \
	VMOVUPS (SI), Y5; \
	BODY; \
	VMOVUPS Y3, (DI); \
	ADDQ $32, SI; \
	ADDQ $32, DI; \
	SUBQ $8, CX; \
	JMP  L8; \
TAIL: \
	TESTQ CX, CX; \
	JEQ   DONE; \
	LEAQ tailMask8<>+32(SB), AX; \
	SHLQ $2, CX; \
	SUBQ CX, AX; \
	VMOVDQU (AX), Y13; \
	VMASKMOVPS (SI), Y13, Y5; \
	BODY; \
	VMASKMOVPS Y3, Y13, (DI); \
DONE: \
	VZEROUPPER; \
	RET

// SIGMOIDY is SIGMOIDZ in AVX2; the blend selects on the sign bit of x. Y8 = 1.
#define SIGMOIDY \
	VORPS actYSIGN<>(SB), Y5, Y0; \
	EXPYM(Y0, Y1, Y2, Y3, Y4); \
	VADDPS Y8, Y3, Y6; \
	VBLENDVPS Y5, Y3, Y8, Y7; \
	VDIVPS Y6, Y7, Y3

// TANHY is TANHZ in AVX2. Y8 = 1.
#define TANHY \
	VANDPS actYABS<>(SB), Y5, Y6; \
	VADDPS Y6, Y6, Y0; \
	VORPS actYSIGN<>(SB), Y0, Y0; \
	EXPYM(Y0, Y1, Y2, Y3, Y4); \
	VSUBPS Y3, Y8, Y7; \
	VADDPS Y8, Y3, Y9; \
	VDIVPS Y9, Y7, Y7; \
	VANDPS actYSIGN<>(SB), Y5, Y9; \
	VORPS Y9, Y7, Y7; \
	VMULPS Y5, Y5, Y9; \
	VMOVUPS actYP5<>(SB), Y10; \
	VFMADD213PS actYP4<>(SB), Y9, Y10; \
	VFMADD213PS actYP3<>(SB), Y9, Y10; \
	VFMADD213PS actYP2<>(SB), Y9, Y10; \
	VFMADD213PS actYP1<>(SB), Y9, Y10; \
	VFMADD213PS actYP0<>(SB), Y9, Y10; \
	VMULPS Y9, Y5, Y9; \
	VFMADD213PS Y5, Y9, Y10; \
	VCMPPS $1, actYSMALL<>(SB), Y6, Y9; \
	VBLENDVPS Y9, Y10, Y7, Y3

// GELUY is GELUZ in AVX2. Y8 = 1, Y11 = −20, Y12 = A.
#define GELUY \
	VMAXPS Y5, Y11, Y5; \
	VMULPS Y5, Y5, Y6; \
	VFMADD213PS Y8, Y12, Y6; \
	VMULPS actYC<>(SB), Y5, Y7; \
	VMULPS Y6, Y7, Y7; \
	VADDPS Y7, Y7, Y0; \
	VORPS actYSIGN<>(SB), Y0, Y0; \
	EXPYM(Y0, Y1, Y2, Y3, Y4); \
	VADDPS Y8, Y3, Y6; \
	VBLENDVPS Y5, Y3, Y8, Y7; \
	VDIVPS Y6, Y7, Y7; \
	VMULPS Y7, Y5, Y3

// ACTCONSTY loads the registers the AVX2 activations share.
#define ACTCONSTY \
	VBROADCASTSS expConst<>+0(SB), Y14; \
	VBROADCASTSS expConst<>+4(SB), Y15; \
	VBROADCASTSS expConst<>+48(SB), Y8; \
	VBROADCASTSS actConst<>+36(SB), Y11; \
	VBROADCASTSS actConst<>+32(SB), Y12

// func sigmoidAVX2(dst, x []float32)
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	ACTCONSTY
	UNARYY(SIGMOIDY, sig2_8, sig2_tail, sig2_done)

// func tanhAVX2(dst, x []float32)
TEXT ·tanhAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	ACTCONSTY
	UNARYY(TANHY, tanh2_8, tanh2_tail, tanh2_done)

// func geluTanhAVX2(dst, x []float32)
TEXT ·geluTanhAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	ACTCONSTY
	UNARYY(GELUY, gelu2_8, gelu2_tail, gelu2_done)
