//go:build !purego

#include "textflag.h"

// func softmaxGradAVX512(dp, p []float32, scale float32)
// Pass 1: dot = Σ p·dp in two vector accumulators (the tail masked); pass 2:
// dp = p·(dp − dot)·scale, each operation rounded as in the generic path.
//   DI dp   SI p   CX elements left   BX elements   AX offset
TEXT ·softmaxGradAVX512(SB), NOSPLIT, $0-52
	MOVQ         dp_base+0(FP), DI
	MOVQ         p_base+24(FP), SI
	MOVQ         p_len+32(FP), BX
	VBROADCASTSS scale+48(FP), Z15
	VXORPS       Z0, Z0, Z0
	VXORPS       Z1, Z1, Z1
	XORQ         AX, AX
	MOVQ         BX, CX

dot_loop32:
	CMPQ        CX, $32
	JLT         dot_loop16
	VMOVUPS     (SI)(AX*4), Z2
	VMOVUPS     64(SI)(AX*4), Z3
	VFMADD231PS (DI)(AX*4), Z2, Z0
	VFMADD231PS 64(DI)(AX*4), Z3, Z1
	ADDQ        $32, AX
	SUBQ        $32, CX
	JMP         dot_loop32

dot_loop16:
	CMPQ        CX, $16
	JLT         dot_tail
	VMOVUPS     (SI)(AX*4), Z2
	VFMADD231PS (DI)(AX*4), Z2, Z0
	ADDQ        $16, AX
	SUBQ        $16, CX

dot_tail:
	TESTQ       CX, CX
	JEQ         dot_sum
	MOVL        $1, R8
	SHLL        CX, R8
	DECL        R8
	KMOVW       R8, K1
	VMOVUPS.Z   (SI)(AX*4), K1, Z2
	VMOVUPS.Z   (DI)(AX*4), K1, Z3
	VFMADD231PS Z3, Z2, Z1

dot_sum:
	VADDPS        Z1, Z0, Z0
	VEXTRACTF32X8 $1, Z0, Y1
	VADDPS        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPS        X1, X0, X0
	VPERMILPS     $0x4e, X0, X1
	VADDPS        X1, X0, X0
	VPERMILPS     $0xb1, X0, X1
	VADDPS        X1, X0, X0
	VBROADCASTSS  X0, Z14
	XORQ          AX, AX
	MOVQ          BX, CX

apply_loop:
	CMPQ    CX, $16
	JLT     apply_tail
	VMOVUPS (DI)(AX*4), Z2
	VSUBPS  Z14, Z2, Z2
	VMULPS  (SI)(AX*4), Z2, Z2
	VMULPS  Z15, Z2, Z2
	VMOVUPS Z2, (DI)(AX*4)
	ADDQ    $16, AX
	SUBQ    $16, CX
	JMP     apply_loop

apply_tail:
	TESTQ     CX, CX
	JEQ       done
	MOVL      $1, R8
	SHLL      CX, R8
	DECL      R8
	KMOVW     R8, K1
	VMOVUPS.Z (DI)(AX*4), K1, Z2
	VMOVUPS.Z (SI)(AX*4), K1, Z3
	VSUBPS    Z14, Z2, Z2
	VMULPS    Z3, Z2, Z2
	VMULPS    Z15, Z2, Z2
	VMOVUPS   Z2, K1, (DI)(AX*4)

done:
	VZEROUPPER
	RET
