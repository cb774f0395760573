// Shared by the AVX-512 assembly files that need the vector exponential.

// EXPZ(x, t, n, q, r2) sets q = e^x on sixteen lanes by the algorithm of the generic exp;
// x, t, n and r2 are clobbered. Every constant is in a register: Z17 = 89, Z18 = −104,
// Z19 = log2e, Z20 = 1.5·2^23, Z21 = ln2Hi, Z22 = ln2Lo, Z23 = 1, Z24…Z29 = c2…c7.
#define EXPZ(x, t, n, q, r2) \
	VMINPS x, Z17, x; \
	VMAXPS x, Z18, x; \
	VMOVAPS x, t; \
	VFMADD213PS Z20, Z19, t; \
	VSUBPS Z20, t, n; \
	VFNMADD231PS Z21, n, x; \
	VFNMADD231PS Z22, n, x; \
	VMOVAPS Z29, q; \
	VFMADD213PS Z28, x, q; \
	VFMADD213PS Z27, x, q; \
	VFMADD213PS Z26, x, q; \
	VFMADD213PS Z25, x, q; \
	VFMADD213PS Z24, x, q; \
	VMULPS x, x, r2; \
	VFMADD213PS x, r2, q; \
	VADDPS Z23, q, q; \
	VPSUBD Z20, t, t; \
	VPSRAD $1, t, n; \
	VPSLLD $23, t, t; \
	VPSLLD $23, n, n; \
	VPSUBD n, t, t; \
	VPADDD Z23, n, n; \
	VPADDD Z23, t, t; \
	VMULPS n, q, q; \
	VMULPS t, q, q
