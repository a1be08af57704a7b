package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Config configures the metrics endpoint. Its YAML paths start with
// "metrics.".
type Config struct {
	// Listen is the address of the HTTP server; empty turns it off.
	Listen string `yaml:"listen"`
	// Path is where the metrics are served.
	Path string `yaml:"path"`
	// ScrapeTimeout bounds one request, slow clients included.
	ScrapeTimeout time.Duration `yaml:"scrape_timeout"`
}

// Default returns the metrics endpoint on 127.0.0.1:9108/metrics: loopback
// only, since the counters describe the network being watched.
func Default() Config {
	return Config{Listen: "127.0.0.1:9108", Path: "/metrics", ScrapeTimeout: 10 * time.Second}
}

// Validate reports every problem in c, each with its YAML path.
func (c *Config) Validate() error {
	var errs []error
	if c.Listen != "" {
		if _, port, err := net.SplitHostPort(c.Listen); err != nil || port == "" {
			errs = append(errs, fmt.Errorf("metrics.listen: must be host:port, got %q", c.Listen))
		}
	}
	if !strings.HasPrefix(c.Path, "/") {
		errs = append(errs, fmt.Errorf("metrics.path: must start with /, got %q", c.Path))
	}
	if c.ScrapeTimeout <= 0 {
		errs = append(errs, fmt.Errorf("metrics.scrape_timeout: must be > 0, got %v", c.ScrapeTimeout))
	}
	return errors.Join(errs...)
}

// NewRegistry returns a registry holding a Collector over src and the Go
// runtime and process collectors.
func NewRegistry(src Sources) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	for _, c := range []prometheus.Collector{
		NewCollector(src),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register collector: %w", err)
		}
	}
	return reg, nil
}

// Server serves a registry over HTTP.
type Server struct {
	srv  *http.Server
	ln   net.Listener
	done chan error
}

// Listen binds cfg.Listen at once, so a taken port is reported before the
// pipeline starts, and serves g at cfg.Path in the background.
func Listen(cfg Config, g prometheus.Gatherer) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Listen == "" {
		return nil, fmt.Errorf("listen metrics: %w", ErrDisabled)
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle(cfg.Path, promhttp.HandlerFor(g, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
		Timeout:       cfg.ScrapeTimeout,
	}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "scanguard metrics: %s\n", cfg.Path)
	})
	s := &Server{
		srv: &http.Server{
			Handler:           mux,
			ReadHeaderTimeout: cfg.ScrapeTimeout,
			WriteTimeout:      cfg.ScrapeTimeout,
		},
		ln:   ln,
		done: make(chan error, 1),
	}
	go func() {
		err := s.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return s, nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Shutdown stops the server, letting scrapes in flight finish within ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	return errors.Join(err, <-s.done)
}

// ErrDisabled is returned by Listen when no address is configured.
var ErrDisabled = errors.New("metrics endpoint disabled")
