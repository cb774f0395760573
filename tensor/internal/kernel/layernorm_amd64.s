//go:build !purego

#include "textflag.h"

// LayerNorm backward row kernels (AVX-512). See LayerNormGrad.
//   SI dy   DI x   DX g (0 when nil)   CX elements left   R8 dx

// func layerNormSumsAVX512(dy, x, g []float32, m, rs float32) (sd, sdn float64)
TEXT ·layerNormSumsAVX512(SB), NOSPLIT, $0-96
	MOVQ         dy_base+0(FP), SI
	MOVQ         x_base+24(FP), DI
	MOVQ         x_len+32(FP), CX
	MOVQ         g_base+48(FP), DX
	VBROADCASTSS m+72(FP), Y14
	VBROADCASTSS rs+76(FP), Y15
	VXORPD       Z0, Z0, Z0 // Σ dn, eight float64 lanes
	VXORPD       Z1, Z1, Z1 // Σ dn·norm

sums_loop:
	CMPQ    CX, $8
	JLT     sums_done
	VMOVUPS (SI), Y2
	TESTQ   DX, DX
	JEQ     sums_nogamma
	VMULPS  (DX), Y2, Y2
	ADDQ    $32, DX

sums_nogamma:
	VMOVUPS   (DI), Y3
	VSUBPS    Y14, Y3, Y3
	VMULPS    Y15, Y3, Y3   // norm, rounded as (x−m)·rs
	VCVTPS2PD Y2, Z4
	VCVTPS2PD Y3, Z5
	VADDPD    Z4, Z0, Z0
	VFMADD231PD Z5, Z4, Z1
	ADDQ      $32, SI
	ADDQ      $32, DI
	SUBQ      $8, CX
	JMP       sums_loop

sums_done:
	// Reduce the eight lanes pairwise: 8 → 4 → 2 → 1.
	VEXTRACTF64X4 $1, Z0, Y2
	VADDPD        Y2, Y0, Y0
	VEXTRACTF64X4 $1, Z1, Y3
	VADDPD        Y3, Y1, Y1
	VEXTRACTF128  $1, Y0, X2
	VADDPD        X2, X0, X0
	VEXTRACTF128  $1, Y1, X3
	VADDPD        X3, X1, X1
	VPERMILPD     $1, X0, X2
	VADDSD        X2, X0, X0
	VPERMILPD     $1, X1, X3
	VADDSD        X3, X1, X1
	MOVSD         X0, sd+80(FP)
	MOVSD         X1, sdn+88(FP)
	VZEROUPPER
	RET

// func layerNormApplyAVX512(dx, dy, x, g []float32, m, rs, dm, dnm float32)
TEXT ·layerNormApplyAVX512(SB), NOSPLIT, $0-112
	MOVQ         dx_base+0(FP), R8
	MOVQ         dy_base+24(FP), SI
	MOVQ         x_base+48(FP), DI
	MOVQ         x_len+56(FP), CX
	MOVQ         g_base+72(FP), DX
	VBROADCASTSS m+96(FP), Z12
	VBROADCASTSS rs+100(FP), Z13
	VBROADCASTSS dm+104(FP), Z14
	VBROADCASTSS dnm+108(FP), Z15

apply_loop:
	CMPQ    CX, $16
	JLT     apply_done
	VMOVUPS (SI), Z2
	TESTQ   DX, DX
	JEQ     apply_nogamma
	VMULPS  (DX), Z2, Z2
	ADDQ    $64, DX

apply_nogamma:
	// rs·(dn − dm − norm·dnm), each operation rounded as the generic path rounds it.
	VMOVUPS (DI), Z3
	VSUBPS  Z12, Z3, Z3
	VMULPS  Z13, Z3, Z3
	VMULPS  Z15, Z3, Z3
	VSUBPS  Z14, Z2, Z2
	VSUBPS  Z3, Z2, Z2
	VMULPS  Z13, Z2, Z2
	VADDPS  (R8), Z2, Z2
	VMOVUPS Z2, (R8)
	ADDQ    $64, SI
	ADDQ    $64, DI
	ADDQ    $64, R8
	SUBQ    $16, CX
	JMP     apply_loop

apply_done:
	VZEROUPPER
	RET
