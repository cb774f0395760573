package lm

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// BPETokenizer is GPT-2's byte-level byte-pair-encoding tokenizer.
//
// Encode splits the text with GPT-2's pre-tokenizer pattern (see the package documentation),
// turns each piece into bytes, and merges adjacent symbols in the order of the merge list,
// lowest rank first, exactly as GPT-2's reference encoder does. Every byte has a token, so
// any string, including one that is not valid UTF-8, encodes, and Decode(Encode(s)) == s.
// Special tokens such as "<|endoftext|>" are ordinary vocabulary entries: Encode never
// produces them from text (it spells "<|endoftext|>" out in pieces, as the reference does);
// look their ids up with TokenID.
//
// Create one with LoadBPE, LoadBPEDir or NewBPE. A BPETokenizer is safe for concurrent use.
type BPETokenizer struct {
	vocab   map[string]int // vocabulary-file spelling -> id
	spell   []string       // id -> vocabulary-file spelling
	text    []string       // id -> decoded bytes
	byteID  [256]int32     // id of each single-byte token
	merges  mergeTable
	nMerges int

	seed  maphash.Seed
	cache []atomic.Pointer[bpeCacheEntry] // direct-mapped by hash of the piece
}

// bpeCacheEntry is an immutable cached encoding of one piece, in one allocation.
type bpeCacheEntry struct {
	pieceLen, nIDs uint8
	piece          [bpeCacheMaxLen]byte
	ids            [bpeCacheMaxIDs]int32
}

type bpeMerge struct {
	rank int32 // position in the merge list
	id   int32 // id of the merged token
}

// bpeCacheSlots is the number of slots of the piece cache (a power of two); bpeCacheMaxLen
// is the longest cached piece in bytes and bpeCacheMaxIDs the most tokens cached for one.
const (
	bpeCacheSlots  = 1 << 14
	bpeCacheMaxLen = 32
	bpeCacheMaxIDs = 12
)

// maxVocab bounds the vocabulary size accepted from files.
const maxVocab = 1 << 24

// LoadBPE reads a byte-level BPE tokenizer from a vocabulary file and a merge-list file:
// Hugging Face's vocab.json and merges.txt, or the same data under OpenAI's names,
// encoder.json and vocab.bpe.
func LoadBPE(vocabPath, mergesPath string) (*BPETokenizer, error) {
	vf, err := os.Open(vocabPath)
	if err != nil {
		return nil, fmt.Errorf("lm: loading BPE vocabulary: %w", err)
	}
	defer vf.Close()
	mf, err := os.Open(mergesPath)
	if err != nil {
		return nil, fmt.Errorf("lm: loading BPE merges: %w", err)
	}
	defer mf.Close()
	t, err := NewBPE(bufio.NewReader(vf), bufio.NewReader(mf))
	if err != nil {
		return nil, fmt.Errorf("%w (files %s, %s)", err, vocabPath, mergesPath)
	}
	return t, nil
}

// LoadBPEDir reads a byte-level BPE tokenizer from a directory that holds either
// vocab.json and merges.txt (Hugging Face) or encoder.json and vocab.bpe (OpenAI).
func LoadBPEDir(dir string) (*BPETokenizer, error) {
	for _, names := range [][2]string{{"vocab.json", "merges.txt"}, {"encoder.json", "vocab.bpe"}} {
		v, m := filepath.Join(dir, names[0]), filepath.Join(dir, names[1])
		if fileExists(v) && fileExists(m) {
			return LoadBPE(v, m)
		}
	}
	return nil, fmt.Errorf("lm: no BPE tokenizer in %s: want vocab.json and merges.txt, or encoder.json and vocab.bpe", dir)
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

// NewBPE reads a byte-level BPE tokenizer from a vocabulary (a JSON object mapping each
// token's spelling to its id, as in vocab.json or encoder.json) and a merge list (a
// "#version" line, then one merge per line: two token spellings separated by a space, as
// in merges.txt or vocab.bpe). The ids must be 0, 1, ..., n-1 in some order; every byte must
// have a single-byte token; both sides of every merge and their concatenation must be in
// the vocabulary. Malformed input gives an error.
func NewBPE(vocab, merges io.Reader) (*BPETokenizer, error) {
	t := &BPETokenizer{seed: maphash.MakeSeed(), cache: make([]atomic.Pointer[bpeCacheEntry], bpeCacheSlots)}
	if err := t.readVocab(vocab); err != nil {
		return nil, err
	}
	if err := t.readMerges(merges); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *BPETokenizer) readVocab(r io.Reader) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var raw map[string]json.Number
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("lm: BPE vocabulary: %w", err)
	}
	if raw == nil {
		return errors.New("lm: BPE vocabulary: not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("lm: BPE vocabulary: trailing data after the JSON object")
	}
	n := len(raw)
	if n > maxVocab {
		return fmt.Errorf("lm: BPE vocabulary: %d tokens exceed the limit %d", n, maxVocab)
	}
	t.vocab = make(map[string]int, n)
	t.spell = make([]string, n)
	t.text = make([]string, n)
	seen := make([]bool, n)
	for tok, num := range raw {
		id64, err := num.Int64()
		if err != nil || id64 < 0 || id64 >= int64(n) {
			return fmt.Errorf("lm: BPE vocabulary: token %q has id %s, want an integer in [0, %d)", tok, num, n)
		}
		id := int(id64)
		if seen[id] {
			return fmt.Errorf("lm: BPE vocabulary: id %d is used by %q and %q", id, t.spell[id], tok)
		}
		seen[id] = true
		t.vocab[tok] = id
		t.spell[id] = tok
		if b, ok := vocabStringToBytes(tok); ok {
			t.text[id] = string(b)
		} else {
			// A token outside the byte alphabet (an added special token): it
			// decodes to its own spelling.
			t.text[id] = tok
		}
	}
	for b := 0; b < 256; b++ {
		id, ok := t.vocab[string(byteToRune[b])]
		if !ok {
			return fmt.Errorf("lm: BPE vocabulary: no token for byte 0x%02x (spelled %q)", b, string(byteToRune[b]))
		}
		t.byteID[b] = int32(id)
	}
	return nil
}

func (t *BPETokenizer) readMerges(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	var list []uint64
	var vals []bpeMerge
	line := 0
	rank := int32(0)
	for sc.Scan() {
		line++
		s := strings.TrimSuffix(sc.Text(), "\r")
		if line == 1 && strings.HasPrefix(s, "#version") {
			continue
		}
		if strings.TrimSpace(s) == "" {
			continue
		}
		f := strings.Fields(s)
		if len(f) != 2 {
			return fmt.Errorf("lm: BPE merges line %d: want two tokens separated by a space, got %q", line, truncateForError(s))
		}
		a, okA := t.vocab[f[0]]
		b, okB := t.vocab[f[1]]
		m, okM := t.vocab[f[0]+f[1]]
		switch {
		case !okA:
			return fmt.Errorf("lm: BPE merges line %d: %q is not in the vocabulary", line, truncateForError(f[0]))
		case !okB:
			return fmt.Errorf("lm: BPE merges line %d: %q is not in the vocabulary", line, truncateForError(f[1]))
		case !okM:
			return fmt.Errorf("lm: BPE merges line %d: the merged token %q is not in the vocabulary", line, truncateForError(f[0]+f[1]))
		}
		if rank == 1<<31-1 {
			return fmt.Errorf("lm: BPE merges line %d: too many merges", line)
		}
		list = append(list, pairKey(int32(a), int32(b)))
		vals = append(vals, bpeMerge{rank: rank, id: int32(m)})
		rank++
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("lm: BPE merges line %d: %w", line+1, err)
	}
	t.nMerges = int(rank)
	t.merges = newMergeTable(len(list))
	for i, k := range list {
		// As in the reference encoder, a repeated merge takes its last rank.
		t.merges.put(k, vals[i])
	}
	return nil
}

// mergeTable is an open-addressing hash table from a pair of token ids to their merge,
// faster than a Go map for this hot lookup: key and value share a cache line.
type mergeTable struct {
	slots []mergeSlot
	shift uint
}

type mergeSlot struct {
	key uint64
	val bpeMerge
}

const emptyPair = ^uint64(0) // no valid pair: ids are non-negative

func newMergeTable(n int) mergeTable {
	size, bits := 16, uint(4)
	for size < 2*n {
		size *= 2
		bits++
	}
	slots := make([]mergeSlot, size)
	for i := range slots {
		slots[i].key = emptyPair
	}
	return mergeTable{slots: slots, shift: 64 - bits}
}

func (m *mergeTable) slot(k uint64) int { return int((k * 0x9E3779B97F4A7C15) >> m.shift) }

func (m *mergeTable) put(k uint64, v bpeMerge) {
	mask := len(m.slots) - 1
	for i := m.slot(k); ; i = (i + 1) & mask {
		if s := &m.slots[i]; s.key == k || s.key == emptyPair {
			s.key, s.val = k, v
			return
		}
	}
}

func (m *mergeTable) get(k uint64) (bpeMerge, bool) {
	if len(m.slots) == 0 {
		return bpeMerge{}, false
	}
	mask := len(m.slots) - 1
	for i := m.slot(k); ; i = (i + 1) & mask {
		s := &m.slots[i]
		switch s.key {
		case k:
			return s.val, true
		case emptyPair:
			return bpeMerge{}, false
		}
	}
}

func truncateForError(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// VocabSize returns the number of tokens in the vocabulary.
func (t *BPETokenizer) VocabSize() int { return len(t.spell) }

// NumMerges returns the number of merge rules.
func (t *BPETokenizer) NumMerges() int { return t.nMerges }

// TokenID returns the id of the token with the given spelling in the vocabulary file (for
// GPT-2, "<|endoftext|>" is 50256 and "Ġthe" is 262), and whether it exists.
func (t *BPETokenizer) TokenID(token string) (int, bool) {
	id, ok := t.vocab[token]
	return id, ok
}

// TokenString returns the spelling of token id in the vocabulary file. It panics if id is
// out of range.
func (t *BPETokenizer) TokenString(id int) string {
	t.checkID("TokenString", id)
	return t.spell[id]
}

func (t *BPETokenizer) checkID(op string, id int) {
	if id < 0 || id >= len(t.spell) {
		panic(fmt.Sprintf("lm: BPETokenizer.%s: token id %d is outside the vocabulary [0, %d)", op, id, len(t.spell)))
	}
}

// Decode returns the text of a sequence of tokens: the concatenation of their bytes. It
// panics if an id is out of range.
func (t *BPETokenizer) Decode(ids []int) string {
	n := 0
	for _, id := range ids {
		t.checkID("Decode", id)
		n += len(t.text[id])
	}
	var b strings.Builder
	b.Grow(n)
	for _, id := range ids {
		b.WriteString(t.text[id])
	}
	return b.String()
}

// DecodeBytes returns the bytes of a single token. It panics if id is out of range.
func (t *BPETokenizer) DecodeBytes(id int) []byte {
	t.checkID("DecodeBytes", id)
	return []byte(t.text[id])
}

// Encode returns the token ids of text.
func (t *BPETokenizer) Encode(text string) []int {
	return t.AppendEncode(make([]int, 0, len(text)/3+1), text)
}

// AppendEncode appends the token ids of text to dst and returns the extended slice.
func (t *BPETokenizer) AppendEncode(dst []int, text string) []int {
	var w *bpeWork
	for i := 0; i < len(text); {
		j := nextPiece(text, i)
		piece := text[i:j]
		i = j
		if len(piece) == 1 {
			dst = append(dst, int(t.byteID[piece[0]]))
			continue
		}
		var slot *atomic.Pointer[bpeCacheEntry]
		if len(piece) <= bpeCacheMaxLen {
			slot = &t.cache[maphash.String(t.seed, piece)&(bpeCacheSlots-1)]
			if e := slot.Load(); e != nil && string(e.piece[:e.pieceLen]) == piece {
				for _, id := range e.ids[:e.nIDs] {
					dst = append(dst, int(id))
				}
				continue
			}
		}
		if w == nil {
			w = bpeWorkPool.Get().(*bpeWork)
		}
		ids := t.mergePiece(w, piece)
		for _, id := range ids {
			dst = append(dst, int(id))
		}
		if slot != nil && len(ids) <= bpeCacheMaxIDs {
			e := &bpeCacheEntry{pieceLen: uint8(len(piece)), nIDs: uint8(len(ids))}
			copy(e.piece[:], piece)
			copy(e.ids[:], ids)
			slot.Store(e)
		}
	}
	if w != nil && cap(w.syms) <= 1<<16 { // do not keep the buffers of a huge piece
		bpeWorkPool.Put(w)
	}
	return dst
}

// bpeWork is scratch space for merging one piece.
type bpeWork struct {
	syms []bpeSymbol
	heap []bpeCand
	hold []bpeCand
	out  []int32
}

var bpeWorkPool = sync.Pool{New: func() any { return new(bpeWork) }}

// bpeSymbol is one symbol of a piece being merged, in a doubly linked list; id is -1 once
// the symbol has been merged into its left neighbour.
type bpeSymbol struct {
	id         int32
	prev, next int32
}

// bpeCand is a candidate merge of the symbol at pos with its right neighbour.
type bpeCand struct {
	rank        int32
	pos         int32
	left, right int32 // ids when the candidate was made: stale if they changed
	merged      int32
}

func candLess(a, b bpeCand) bool {
	return a.rank < b.rank || (a.rank == b.rank && a.pos < b.pos)
}

func (w *bpeWork) push(c bpeCand) {
	h := append(w.heap, c)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !candLess(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	w.heap = h
}

func (w *bpeWork) pop() bpeCand {
	h := w.heap
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	w.heap = h[:n]
	w.down(0)
	return top
}

func (w *bpeWork) down(i int) {
	h := w.heap
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && candLess(h[r], h[l]) {
			m = r
		}
		if !candLess(h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// mergePiece applies the merges to one piece and returns its token ids (in w.out).
//
// The reference encoder repeatedly takes the lowest-ranked adjacent pair and merges all its
// non-overlapping occurrences from left to right. Here candidates sit in a heap ordered by
// (rank, position), which visits the occurrences of a pair in the same order; a candidate
// whose symbols changed since it was made is stale and skipped. Candidates made while
// merging a pair that rank below that pair are held back until all its occurrences are
// merged, as in the reference (with GPT-2's merges this never happens, because a merged
// token's own merges always rank after the merge that made it).
func (t *BPETokenizer) mergePiece(w *bpeWork, piece string) []int32 {
	n := len(piece)
	syms := w.syms[:0]
	for i := 0; i < n; i++ {
		syms = append(syms, bpeSymbol{id: t.byteID[piece[i]], prev: int32(i - 1), next: int32(i + 1)})
	}
	syms[n-1].next = -1
	w.syms = syms
	w.heap = w.heap[:0]
	w.hold = w.hold[:0]
	for i := 0; i+1 < n; i++ {
		if m, ok := t.merges.get(pairKey(syms[i].id, syms[i+1].id)); ok {
			w.heap = append(w.heap, bpeCand{rank: m.rank, pos: int32(i), left: syms[i].id, right: syms[i+1].id, merged: m.id})
		}
	}
	for i := len(w.heap)/2 - 1; i >= 0; i-- {
		w.down(i)
	}
	cur := int32(-1)
	for len(w.heap) > 0 {
		if w.heap[0].rank != cur && len(w.hold) > 0 {
			for _, c := range w.hold {
				w.push(c)
			}
			w.hold = w.hold[:0]
			continue
		}
		c := w.pop()
		cur = c.rank
		s := &syms[c.pos]
		if s.id != c.left || s.next < 0 || syms[s.next].id != c.right {
			continue
		}
		r := s.next
		s.id = c.merged
		s.next = syms[r].next
		syms[r].id = -1
		if s.next >= 0 {
			syms[s.next].prev = c.pos
		}
		if s.prev >= 0 {
			t.candidate(w, s.prev, cur)
		}
		if s.next >= 0 {
			t.candidate(w, c.pos, cur)
		}
	}
	out := w.out[:0]
	for i := int32(0); i >= 0; i = syms[i].next {
		out = append(out, syms[i].id)
	}
	w.out = out
	return out
}

// candidate records the merge, if any, of the symbol at pos with its right neighbour.
func (t *BPETokenizer) candidate(w *bpeWork, pos, cur int32) {
	s := w.syms[pos]
	right := w.syms[s.next].id
	m, ok := t.merges.get(pairKey(s.id, right))
	if !ok {
		return
	}
	c := bpeCand{rank: m.rank, pos: pos, left: s.id, right: right, merged: m.id}
	if m.rank < cur {
		w.hold = append(w.hold, c)
	} else {
		w.push(c)
	}
}
