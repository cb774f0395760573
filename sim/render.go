package sim

import (
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"math"
)

// RenderConfig sets the view of a rendered frame. Zero fields take the defaults noted.
type RenderConfig struct {
	// Width and Height of the image in pixels (default 512 × 512).
	Width, Height int
	// Span is the width of the view in metres (default 120), centred on the SDC's current
	// position (on the mean object position when there is no SDC).
	Span float32
	// NoPaths hides the logged (grey) and simulated (yellow) paths of the objects.
	NoPaths bool
}

// Colour indices of the rendering palette.
const (
	cBackground = iota
	cLane
	cWhiteLine
	cYellowLine
	cEdge
	cCrosswalk
	cStopSign
	cSpeedBump
	cVehicle
	cPedestrian
	cCyclist
	cOther
	cSDC
	cLogPath
	cSimPath
	cLightRed
	cLightYellow
	cLightGreen
	cLightUnknown
	cOutline
)

// Palette is the fixed palette of rendered frames (PNG and GIF alike).
var Palette = color.Palette{
	color.RGBA{30, 30, 34, 255},    // background
	color.RGBA{80, 80, 90, 255},    // lane centre
	color.RGBA{200, 200, 200, 255}, // white line
	color.RGBA{220, 180, 40, 255},  // yellow line
	color.RGBA{240, 240, 240, 255}, // road edge
	color.RGBA{120, 120, 160, 255}, // crosswalk
	color.RGBA{230, 40, 40, 255},   // stop sign
	color.RGBA{230, 140, 40, 255},  // speed bump
	color.RGBA{70, 130, 230, 255},  // vehicle
	color.RGBA{60, 200, 90, 255},   // pedestrian
	color.RGBA{210, 80, 210, 255},  // cyclist
	color.RGBA{60, 200, 200, 255},  // other
	color.RGBA{255, 90, 40, 255},   // SDC
	color.RGBA{130, 130, 130, 255}, // logged path
	color.RGBA{255, 230, 80, 255},  // simulated path
	color.RGBA{255, 40, 40, 255},   // light: stop
	color.RGBA{255, 200, 0, 255},   // light: caution
	color.RGBA{40, 230, 60, 255},   // light: go
	color.RGBA{150, 150, 150, 255}, // light: unknown
	color.RGBA{0, 0, 0, 255},       // outline
}

type canvas struct {
	img           *image.Paletted
	cx, cy, scale float32
	width, height int
	halfW, halfH  float32
}

func (c *canvas) px(x, y float32) (float32, float32) {
	return c.halfW + (x-c.cx)*c.scale, c.halfH - (y-c.cy)*c.scale
}

func (c *canvas) set(x, y int, col uint8) {
	if x >= 0 && y >= 0 && x < c.width && y < c.height {
		c.img.Pix[y*c.img.Stride+x] = col
	}
}

// line draws a segment between world points, thick pixels wide, with a DDA walk.
func (c *canvas) line(x0, y0, x1, y1 float32, col uint8, thick int) {
	ax, ay := c.px(x0, y0)
	bx, by := c.px(x1, y1)
	if (ax < 0 && bx < 0) || (ay < 0 && by < 0) || (ax >= float32(c.width) && bx >= float32(c.width)) || (ay >= float32(c.height) && by >= float32(c.height)) {
		return
	}
	n := int(max(abs32(bx-ax), abs32(by-ay))) + 1
	for k := 0; k <= n; k++ {
		f := float32(k) / float32(n)
		x, y := int(ax+f*(bx-ax)), int(ay+f*(by-ay))
		for dx := 0; dx < thick; dx++ {
			for dy := 0; dy < thick; dy++ {
				c.set(x+dx, y+dy, col)
			}
		}
	}
}

// polygon fills a convex polygon given in world coordinates and outlines it.
func (c *canvas) polygon(pts [4][2]float32, col, outline uint8) {
	var p [4][2]float32
	minX, minY := float32(math.Inf(1)), float32(math.Inf(1))
	maxX, maxY := float32(math.Inf(-1)), float32(math.Inf(-1))
	for i, q := range pts {
		x, y := c.px(q[0], q[1])
		p[i] = [2]float32{x, y}
		minX, maxX = min(minX, x), max(maxX, x)
		minY, maxY = min(minY, y), max(maxY, y)
	}
	// Orientation of the pixel-space polygon (the y flip reverses it).
	area := float32(0)
	for i := range 4 {
		j := (i + 1) % 4
		area += p[i][0]*p[j][1] - p[j][0]*p[i][1]
	}
	for y := max(int(minY), 0); y <= min(int(maxY), c.height-1); y++ {
		for x := max(int(minX), 0); x <= min(int(maxX), c.width-1); x++ {
			fx, fy := float32(x)+0.5, float32(y)+0.5
			inside := true
			for i := range 4 {
				j := (i + 1) % 4
				cr := (p[j][0]-p[i][0])*(fy-p[i][1]) - (p[j][1]-p[i][1])*(fx-p[i][0])
				if cr*area < 0 {
					inside = false
					break
				}
			}
			if inside {
				c.set(x, y, col)
			}
		}
	}
	for i := range 4 {
		j := (i + 1) % 4
		c.line(pts[i][0], pts[i][1], pts[j][0], pts[j][1], outline, 1)
	}
}

func (c *canvas) disc(x, y, r float32, col uint8) {
	px, py := c.px(x, y)
	rp := max(r*c.scale, 2)
	for yy := int(py - rp); yy <= int(py+rp); yy++ {
		for xx := int(px - rp); xx <= int(px+rp); xx++ {
			dx, dy := float32(xx)-px, float32(yy)-py
			if dx*dx+dy*dy <= rp*rp {
				c.set(xx, yy, col)
			}
		}
	}
}

func roadColour(t RoadType) uint8 {
	switch {
	case t.IsLane():
		return cLane
	case t >= RoadLineBrokenSingleYellow && t <= RoadLinePassingDoubleYellow:
		return cYellowLine
	case t.IsRoadLine():
		return cWhiteLine
	case t >= RoadEdgeUnknown && t <= RoadEdgeMedian:
		return cEdge
	case t == RoadStopSign:
		return cStopSign
	case t == RoadCrosswalk:
		return cCrosswalk
	case t == RoadSpeedBump:
		return cSpeedBump
	}
	return cLane
}

// Render draws the state at its current step: the roadgraph coloured by type, traffic lights
// at their stop points coloured by state, the logged (grey) and simulated (yellow) paths up to
// the current step, and every valid object's box coloured by type with the SDC in orange-red.
func Render(s *SimulatorState, cfg RenderConfig) *image.Paletted {
	if cfg.Width <= 0 {
		cfg.Width = 512
	}
	if cfg.Height <= 0 {
		cfg.Height = 512
	}
	if cfg.Span <= 0 {
		cfg.Span = 120
	}
	sc := s.Scenario
	c := &canvas{img: image.NewPaletted(image.Rect(0, 0, cfg.Width, cfg.Height), Palette), width: cfg.Width, height: cfg.Height}
	c.halfW, c.halfH = float32(cfg.Width)/2, float32(cfg.Height)/2
	c.scale = float32(cfg.Width) / cfg.Span
	if sc.SDC >= 0 && s.Current(sc.SDC).Valid {
		cur := s.Current(sc.SDC)
		c.cx, c.cy = cur.X, cur.Y
	} else {
		var n float32
		for i := range s.NumObjects() {
			if st := s.Current(i); st.Valid {
				c.cx += st.X
				c.cy += st.Y
				n++
			}
		}
		if n > 0 {
			c.cx, c.cy = c.cx/n, c.cy/n
		}
	}
	rg := &sc.Roadgraph
	for i := range rg.Len() {
		if !rg.Valid[i] {
			continue
		}
		col := roadColour(rg.Types[i])
		if rg.Types[i] == RoadStopSign {
			c.disc(rg.X[i], rg.Y[i], 0.8, col)
			continue
		}
		if i+1 < rg.Len() && rg.Valid[i+1] && rg.IDs[i+1] == rg.IDs[i] {
			thick := 1
			if rg.Types[i].IsRoadEdge() {
				thick = 2
			}
			c.line(rg.X[i], rg.Y[i], rg.X[i+1], rg.Y[i+1], col, thick)
		}
	}
	tl := &sc.Lights
	for j := range tl.NumLights {
		k := j*tl.NumSteps + min(s.Timestep, tl.NumSteps-1)
		if !tl.Valid[k] {
			continue
		}
		col := uint8(cLightUnknown)
		switch st := tl.State[k]; {
		case st.IsStop():
			col = cLightRed
		case st.IsCaution():
			col = cLightYellow
		case st.IsGo():
			col = cLightGreen
		}
		c.disc(tl.X[k], tl.Y[k], 1.2, col)
	}
	log := sc.Log
	T := s.Sim.NumSteps
	if !cfg.NoPaths {
		for i := range s.NumObjects() {
			for t := 1; t < T; t++ {
				a, b := i*T+t-1, i*T+t
				if log.Valid[a] && log.Valid[b] {
					c.line(log.X[a], log.Y[a], log.X[b], log.Y[b], cLogPath, 1)
				}
			}
			for t := sc.InitStep + 1; t <= s.Timestep; t++ {
				a, b := i*T+t-1, i*T+t
				if s.Sim.Valid[a] && s.Sim.Valid[b] {
					c.line(s.Sim.X[a], s.Sim.Y[a], s.Sim.X[b], s.Sim.Y[b], cSimPath, 1)
				}
			}
		}
	}
	for i := range s.NumObjects() {
		st := s.Current(i)
		if !st.Valid {
			continue
		}
		col := uint8(cOther)
		switch s.Meta.Types[i] {
		case ObjectVehicle:
			col = cVehicle
		case ObjectPedestrian:
			col = cPedestrian
		case ObjectCyclist:
			col = cCyclist
		}
		if s.Meta.IsSDC[i] {
			col = cSDC
		}
		c.polygon(st.Corners(), col, cOutline)
		// A heading tick from the centre to the front.
		sn, cs := sincos32(st.Yaw)
		c.line(st.X, st.Y, st.X+cs*st.Length/2, st.Y+sn*st.Length/2, cOutline, 1)
	}
	return c.img
}

// WritePNG renders the state (see Render) and encodes it as PNG.
func WritePNG(w io.Writer, s *SimulatorState, cfg RenderConfig) error {
	return png.Encode(w, Render(s, cfg))
}

// GIFRecorder collects rendered frames of a rollout for an animated GIF.
type GIFRecorder struct {
	Config RenderConfig
	// Delay between frames in hundredths of a second (default 10: real time at 10 Hz).
	Delay  int
	frames []*image.Paletted
}

// Add renders the state's current step as the next frame.
func (g *GIFRecorder) Add(s *SimulatorState) { g.frames = append(g.frames, Render(s, g.Config)) }

// Len returns the number of frames.
func (g *GIFRecorder) Len() int { return len(g.frames) }

// Encode writes the animation, looping forever.
func (g *GIFRecorder) Encode(w io.Writer) error {
	d := g.Delay
	if d <= 0 {
		d = 10
	}
	a := &gif.GIF{Image: g.frames, Delay: make([]int, len(g.frames))}
	for i := range a.Delay {
		a.Delay[i] = d
	}
	return gif.EncodeAll(w, a)
}
