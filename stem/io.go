package stem

import (
	"encoding/csv"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"
)

// Real data enter the pipeline in one of two forms.
//
// Images: one 8- or 16-bit grayscale PNG per frame (ReadFramePNG; other PNG colour models are
// converted to luminance), the pixel size in ångström, and a beam log (ReadBeamLog). Row i of
// the log is the dwell between frame i and frame i+1; its x and y are the probe position in
// the frame coordinates of frame i: ångström from the top-left corner of the image, x to the
// right along a row and y down the columns (pixel (col, row) spans [col·s, (col+1)·s) ×
// [row·s, (row+1)·s) for pixel size s). Run DetectAtoms on each frame, then Extract.
//
// Atom positions: a CSV of detected atoms (ReadAtomCSV), one row per atom, in the same frame
// coordinates, with the same beam log. Then Extract directly.

// ReadFramePNG decodes a grayscale PNG into a Frame with the given pixel size (ångström per
// pixel). 8-bit images give values 0–255 and 16-bit images 0–65535; colour images are
// converted to 16-bit luminance.
func ReadFramePNG(r io.Reader, pixelSize float64) (*Frame, error) {
	if !(pixelSize > 0) || math.IsInf(pixelSize, 0) {
		return nil, fmt.Errorf("stem: pixel size %v must be positive", pixelSize)
	}
	img, err := png.Decode(r)
	if err != nil {
		return nil, fmt.Errorf("stem: reading PNG frame: %w", err)
	}
	b := img.Bounds()
	f := &Frame{W: b.Dx(), H: b.Dy(), PixelSize: pixelSize}
	if f.W < 3 || f.H < 3 {
		return nil, fmt.Errorf("stem: frame is %d×%d pixels, too small", f.W, f.H)
	}
	f.Pix = make([]float32, f.W*f.H)
	switch g := img.(type) {
	case *image.Gray:
		for y := range f.H {
			for x := range f.W {
				f.Pix[y*f.W+x] = float32(g.GrayAt(b.Min.X+x, b.Min.Y+y).Y)
			}
		}
	case *image.Gray16:
		for y := range f.H {
			for x := range f.W {
				f.Pix[y*f.W+x] = float32(g.Gray16At(b.Min.X+x, b.Min.Y+y).Y)
			}
		}
	default:
		for y := range f.H {
			for x := range f.W {
				f.Pix[y*f.W+x] = float32(color.Gray16Model.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray16).Y)
			}
		}
	}
	return f, nil
}

// WriteFramePNG encodes f as a 16-bit grayscale PNG, scaling its values linearly so that the
// largest is 65535 (negative values become 0).
func WriteFramePNG(w io.Writer, f *Frame) error {
	if f == nil || f.W <= 0 || f.H <= 0 || len(f.Pix) < f.W*f.H {
		return errors.New("stem: WriteFramePNG: empty frame")
	}
	hi := float32(0)
	for _, v := range f.Pix {
		hi = max(hi, v)
	}
	scale := float32(1)
	if hi > 0 {
		scale = 65535 / hi
	}
	img := image.NewGray16(image.Rect(0, 0, f.W, f.H))
	for y := range f.H {
		for x := range f.W {
			v := max(f.Pix[y*f.W+x], 0) * scale
			img.SetGray16(x, y, color.Gray16{Y: uint16(min(v+0.5, 65535))})
		}
	}
	return png.Encode(w, img)
}

// csvTable reads a CSV with a header row and returns, for each wanted column, its index (−1
// when absent) and the data rows.
func csvTable(r io.Reader, want []string) (map[string]int, [][]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, nil, errors.New("stem: empty CSV")
		}
		return nil, nil, fmt.Errorf("stem: CSV header: %w", err)
	}
	col := map[string]int{}
	for _, w := range want {
		col[w] = -1
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if j, ok := col[h]; ok && j == -1 {
			col[h] = i
		}
	}
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("stem: CSV: %w", err)
	}
	return col, rows, nil
}

func csvFloat(row []string, i int, name string, line int) (float64, error) {
	if i < 0 || i >= len(row) {
		return 0, fmt.Errorf("stem: CSV line %d: missing %s", line, name)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(row[i]), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("stem: CSV line %d: %s %q is not a finite number", line, name, row[i])
	}
	return v, nil
}

// ReadBeamLog reads a beam log: a CSV whose header names the columns time, x, y, dwell,
// current and voltage (any order, case-insensitive; other columns are ignored). Times and
// dwells are in seconds, x and y in ångström (frame coordinates of the preceding frame),
// current in picoampere and voltage in kilovolt. Row i is the dwell after frame i. It returns an
// error for a missing column, a field that is not a finite number, or a negative dwell.
func ReadBeamLog(r io.Reader) ([]BeamRecord, error) {
	names := []string{"time", "x", "y", "dwell", "current", "voltage"}
	col, rows, err := csvTable(r, names)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if col[n] < 0 {
			return nil, fmt.Errorf("stem: beam log has no %q column", n)
		}
	}
	out := make([]BeamRecord, 0, len(rows))
	for li, row := range rows {
		var v [6]float64
		for k, n := range names {
			if v[k], err = csvFloat(row, col[n], n, li+2); err != nil {
				return nil, err
			}
		}
		if v[3] < 0 || v[4] < 0 || v[5] < 0 {
			return nil, fmt.Errorf("stem: beam log line %d: negative dwell, current or voltage", li+2)
		}
		out = append(out, BeamRecord{Time: v[0], X: v[1], Y: v[2], Dwell: v[3], Current: v[4], Voltage: v[5]})
	}
	return out, nil
}

// MaxCSVFrames bounds the frame index ReadAtomCSV accepts.
const MaxCSVFrames = 1 << 20

// ReadAtomCSV reads atom positions per frame: a CSV whose header names the columns frame, x and
// y, and either intensity (measured brightness) or z (atomic number, turned into a Z^1.7
// brightness). Frame is a non-negative integer index; frames with no rows come out empty.
// x and y are ångström in frame coordinates. It returns an error for a missing column, a bad
// number, or a frame index beyond MaxCSVFrames.
func ReadAtomCSV(r io.Reader) ([]FrameAtoms, error) {
	col, rows, err := csvTable(r, []string{"frame", "x", "y", "intensity", "z"})
	if err != nil {
		return nil, err
	}
	for _, n := range []string{"frame", "x", "y"} {
		if col[n] < 0 {
			return nil, fmt.Errorf("stem: atom CSV has no %q column", n)
		}
	}
	useZ := col["intensity"] < 0
	if useZ && col["z"] < 0 {
		return nil, errors.New(`stem: atom CSV needs an "intensity" or a "z" column`)
	}
	var frames []FrameAtoms
	for li, row := range rows {
		line := li + 2
		if col["frame"] >= len(row) {
			return nil, fmt.Errorf("stem: CSV line %d: missing frame", line)
		}
		fi, err := strconv.Atoi(strings.TrimSpace(row[col["frame"]]))
		if err != nil || fi < 0 || fi >= MaxCSVFrames {
			return nil, fmt.Errorf("stem: CSV line %d: bad frame index %q", line, row[col["frame"]])
		}
		x, err := csvFloat(row, col["x"], "x", line)
		if err != nil {
			return nil, err
		}
		y, err := csvFloat(row, col["y"], "y", line)
		if err != nil {
			return nil, err
		}
		var inten float64
		if useZ {
			z, err := csvFloat(row, col["z"], "z", line)
			if err != nil {
				return nil, err
			}
			if z < 1 || z > 200 {
				return nil, fmt.Errorf("stem: CSV line %d: atomic number %v out of range", line, z)
			}
			inten = math.Pow(z, 1.7)
		} else if inten, err = csvFloat(row, col["intensity"], "intensity", line); err != nil {
			return nil, err
		}
		for len(frames) <= fi {
			frames = append(frames, FrameAtoms{})
		}
		frames[fi].Pos = append(frames[fi].Pos, Vec{x, y})
		frames[fi].Intensity = append(frames[fi].Intensity, inten)
	}
	return frames, nil
}
