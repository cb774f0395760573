package main

import (
	"image/color"

	"github.com/tenet-ml/tenet/lm/task"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// barChart draws greedy and sampled test pass@1 per recipe (mean with ±1 standard error
// bars), with the teacher's and the starting student's greedy pass@1 as horizontal lines.
func barChart(path string, names []string, greedy, sampled map[string]task.Stat, teacher, student float64) error {
	p := plot.New()
	p.Title.Text = "GKD on arithmetic: student test accuracy (mean ± s.e. over seeds)"
	p.Y.Label.Text = "pass@1"
	const w = 0.36 // bar width in category units
	series := []struct {
		label  string
		stats  map[string]task.Stat
		col    color.RGBA
		offset float64
	}{
		{"greedy", greedy, color.RGBA{59, 82, 139, 255}, -w / 2},
		{"sampled (T=1)", sampled, color.RGBA{94, 201, 98, 255}, w / 2},
	}
	top := teacher
	for _, s := range series {
		xys := make(plotter.XYs, len(names))
		errs := make(plotter.YErrors, len(names))
		var legend *plotter.Polygon
		for i, n := range names {
			st := s.stats[n]
			x := float64(i) + s.offset
			xys[i].X, xys[i].Y = x, st.Mean
			errs[i].Low, errs[i].High = st.StdErr, st.StdErr
			top = max(top, st.Mean+st.StdErr)
			bar, err := plotter.NewPolygon(plotter.XYs{{X: x - w/2, Y: 0}, {X: x + w/2, Y: 0}, {X: x + w/2, Y: st.Mean}, {X: x - w/2, Y: st.Mean}})
			if err != nil {
				return err
			}
			bar.Color, bar.LineStyle.Width = s.col, 0
			p.Add(bar)
			legend = bar
		}
		if legend != nil {
			p.Legend.Add(s.label, legend)
		}
		eb, err := plotter.NewYErrorBars(struct {
			plotter.XYer
			plotter.YErrorer
		}{xys, errs})
		if err != nil {
			return err
		}
		p.Add(eb)
	}
	for _, ref := range []struct {
		label string
		y     float64
		col   color.RGBA
	}{{"teacher (greedy)", teacher, color.RGBA{200, 40, 40, 255}}, {"student start (greedy)", student, color.RGBA{120, 120, 120, 255}}} {
		l, err := plotter.NewLine(plotter.XYs{{X: -0.6, Y: ref.y}, {X: float64(len(names)) - 0.4, Y: ref.y}})
		if err != nil {
			return err
		}
		l.Color, l.Dashes = ref.col, []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(ref.label, l)
	}
	p.NominalX(names...)
	p.Y.Min, p.Y.Max = 0, top*1.15
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(4)
	p.X.Tick.Label.Rotation, p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = 0.35, draw.XRight, draw.YCenter
	return p.Save(8*vg.Inch, 4.5*vg.Inch, path)
}
