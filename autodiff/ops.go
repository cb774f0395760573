package autodiff

// opcode names a recorded operation; backwardFns maps it to its backward pass.
type opcode uint8

const (
	opNone opcode = iota
	opBinary
	opUnary
	opMatMul
	opSum
	opMax
	opSoftmax
	opLogSoftmax
	opCrossEntropy
	opMSE
	opHuber
	opEmbedding
	opLayerNorm
	opDropout
	opView
	opPermute
	opConcat
	opNarrow
	opPad
	opConv2D
	opMaxPool2D
	opTakeAlong
	opWhere
	opL2Normalize
	opAttention
	opBiasAdd
	opLinearReLU
	numOps
)

// backwardFns[op] accumulates the gradients of a record's operands from its output gradient.
var backwardFns = [numOps]func(tp *Tape, r *record){
	opNone:         func(*Tape, *record) {},
	opBinary:       binaryBackward,
	opUnary:        unaryBackward,
	opMatMul:       matmulBackward,
	opSum:          sumBackward,
	opMax:          maxBackward,
	opSoftmax:      softmaxBackward,
	opLogSoftmax:   logSoftmaxBackward,
	opCrossEntropy: crossEntropyBackward,
	opMSE:          mseBackward,
	opHuber:        huberBackward,
	opEmbedding:    embeddingBackward,
	opLayerNorm:    layerNormBackward,
	opDropout:      dropoutBackward,
	opView:         viewBackward,
	opPermute:      permuteBackward,
	opConcat:       concatBackward,
	opNarrow:       narrowBackward,
	opPad:          padBackward,
	opConv2D:       conv2DBackward,
	opMaxPool2D:    maxPool2DBackward,
	opTakeAlong:    takeAlongBackward,
	opWhere:        whereBackward,
	opL2Normalize:  l2NormalizeBackward,
	opBiasAdd:      biasAddBackward,
	opLinearReLU:   linearReLUBackward,
	opAttention:    attentionBackward,
}
