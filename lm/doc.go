// Package lm is the language-model stack of tenet: an autoregressive model interface,
// tokenizers, and the sampling and batched generation that the self-training (ReST-EM),
// distillation (GKD) and speculative-decoding (DistillSpec) systems build on.
//
// # Models
//
// A [Model] is an autoregressive language model over a fixed vocabulary; each sequence
// being decoded is a [State] (for a transformer, its KV cache). State.Append feeds tokens and
// returns the raw next-token logits for every fed position, so a prompt costs one call and a
// speculative decoder can verify k draft tokens in one call; State.Truncate rolls a sequence
// back. The interface is the common denominator of every model: GPT-2-style transformers,
// and exact stand-ins such as [BigramModel], whose next-token distribution depends only on
// the previous token and is useful in examples and tests.
//
// # The transformer
//
// [Transformer] is GPT-2's architecture: token and learned position embeddings, pre-LayerNorm
// blocks of causal multi-head self-attention and a tanh-GELU MLP four times as wide, a final
// layer norm and an output layer tied to the token embedding. It trains through package
// autodiff (Transformer.Loss fuses the softmax into the cross-entropy) and decodes through
// its own KV-cache path that reads the same parameters without a tape: State.Append of k
// tokens is one batched pass, so a prompt, or a speculative decoder's k draft tokens, cost one
// call. Transformer.GenerateBatch decodes many sequences at once, sharing each weight read
// between them. [LoadGPT2] and [SaveGPT2] read and write Hugging Face GPT-2 directories
// (config.json and model.safetensors, F32, F16 or BF16), and the logits match the reference
// GPT-2 implementation to within 1e-5 on the fixture kept in testdata.
//
// # Fine-tuning and self-training
//
// [SFTTrainer] fine-tunes a transformer on prompt/completion pairs with next-token
// cross-entropy on the completion only (AdamW, warmup and cosine decay, global-norm
// clipping, early stopping on a validation score, exact resume from a checkpoint). With
// SFTConfig.Replicas set to the number of processors its steps run data-parallel
// ([Transformer.LossBackward]): each processor differentiates its share of the batch's
// sequences on a replica of its own, which on small models uses two cores far better than
// splitting every product in two.
//
// [ReSTEM] is Expectation-Maximization self-training with binary feedback (ReST-EM, Singh et
// al., arXiv 2312.06585). Each iteration samples many solutions to every training problem
// from the current model (E-step), keeps those a [tenet.Verifier] accepts — at most K
// distinct ones per problem, so easy problems do not dominate — and fine-tunes a fresh copy
// of the base model, never the previous iterate, on them (M-step), stopping when greedy
// pass@1 on a validation split stops improving. It reports greedy pass@1 on the training
// pool and on held-out test problems, the unbiased pass@k and majority-vote accuracy, and
// checkpoints every iteration so that an interrupted run resumes. The built-in verifiable
// tasks (multi-step arithmetic and a small list-program language) live in package lm/task.
//
// # Tokenizers
//
// A [Tokenizer] maps text to token ids and back. [BPETokenizer] is GPT-2's byte-level
// byte-pair encoding, loaded from Hugging Face's vocab.json and merges.txt or OpenAI's
// encoder.json and vocab.bpe; it produces exactly the ids of GPT-2's reference encoder
// (checked against it on a mixed-script corpus) and round-trips any string, including
// invalid UTF-8. GPT-2 first splits text with the pattern
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// whose look-ahead Go's regexp package cannot express, so this package implements it as a
// scanner with the character classes of the reference JavaScript encoder: \p{L} and \p{N} are
// the Unicode letter and number categories of Unicode 17.0 (Go's tables, of Unicode 15.0,
// are extended with the letters and numbers assigned since; combining marks, as in
// Devanagari vowel signs, are neither) and \s is ECMAScript white space (so U+FEFF is white
// space and U+0085 is not).
// An invalid UTF-8 byte is a character of its own in [^\s\p{L}\p{N}] and is encoded as that
// byte, so decoding restores it. The contractions are case-sensitive ("'S" is not one), as in
// GPT-2. (GPT-2's original Python encoder counts a few more control characters, such as
// U+0085, as white space; text holding them can split differently there.)
//
// [CharTokenizer] is a character-level tokenizer over a task's alphabet with special tokens
// (<pad>, <bos>, <eos>, <unk> by default) for the built-in tasks; characters outside the
// alphabet become <unk>, or an error with CharTokenizer.EncodeStrict.
//
// # Sampling
//
// [Distribution] is the one definition of what is sampled: it turns a row of logits and
// [SamplingOptions] into the exact probability distribution over tokens. Temperature divides
// the logits (0 is greedy: all mass on the first maximum); top-k keeps the k most likely
// tokens; top-p keeps the smallest prefix of the remaining tokens, most likely first, whose
// probability reaches p; the kept probabilities are renormalised. Ties are broken by lower
// token id, so the distribution is a deterministic function of the logits. [Sample] draws
// from it with a *rand.Rand. The speculative decoder of package distill builds the target's
// and the draft's distributions with the same function, which is what makes its output
// distribution exact.
//
// [Generate] continues many prompts in parallel across GOMAXPROCS goroutines, each prompt
// with its own generator seeded from the caller's, so results are reproducible whatever the
// scheduling; it returns the tokens and their log-probabilities under the distribution they
// were sampled from, and honours stop tokens, a token budget, the model's context length and
// context cancellation.
package lm
