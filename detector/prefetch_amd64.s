#include "textflag.h"

// func prefetchBucket(p *hot)
TEXT ·prefetchBucket(SB),NOSPLIT,$0-8
	MOVQ p+0(FP), AX
	PREFETCHT0 (AX)
	PREFETCHT0 128(AX)
	RET
