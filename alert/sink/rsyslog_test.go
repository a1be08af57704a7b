package sink

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rsyslog is a Debian rsyslogd run by a test with a configuration of its
// own: UDP, TCP and Unix-socket inputs, everything written to one file.
type rsyslog struct {
	dir, out, sock string
	udp, tcp       int
	cmd            *exec.Cmd
}

// startRsyslog starts rsyslogd in the foreground. Without rsyslogd the test
// is skipped, except in CI, where the tool is installed and must run.
func startRsyslog(t *testing.T) *rsyslog {
	t.Helper()
	bin, err := exec.LookPath("rsyslogd")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("rsyslogd is required in CI: %v", err)
		}
		t.Skip("rsyslogd not installed (apt-get install rsyslog); runs in CI")
	}
	dir := t.TempDir()
	r := &rsyslog{
		dir: dir, out: filepath.Join(dir, "out.log"), sock: filepath.Join(dir, "log.sock"),
		udp: freePort(t, "udp"), tcp: freePort(t, "tcp"),
	}
	conf := fmt.Sprintf(`global(workDirectory="%[1]s" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
module(load="imuxsock" SysSock.Use="off")
input(type="imudp" address="127.0.0.1" port="%[2]d")
input(type="imtcp" address="127.0.0.1" port="%[3]d")
input(type="imuxsock" Socket="%[4]s" UseSpecialParser="off" UseSysTimeStamp="off")
template(name="fields" type="string"
  string="%%syslogfacility%%|%%syslogseverity%%|%%hostname%%|%%app-name%%|%%msgid%%|%%msg%%\n")
*.* action(type="omfile" file="%[5]s" template="fields")
`, dir, r.udp, r.tcp, r.sock, r.out)
	confPath := filepath.Join(dir, "rsyslog.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	r.cmd = exec.Command(bin, "-n", "-f", confPath, "-i", filepath.Join(dir, "rsyslog.pid"))
	r.cmd.Stderr = os.Stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start rsyslogd: %v", err)
	}
	t.Cleanup(func() {
		if os.Getenv("KEEP") != "" {
			exec.Command("cp", r.out, "/tmp/rs_out.log").Run()
		}
		r.cmd.Process.Kill()
		r.cmd.Wait()
	})
	r.waitReady(t)
	return r
}

// waitReady sends a probe on each input until rsyslogd has written all
// three, so that no test message races the inputs' start.
func (r *rsyslog) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for _, in := range []struct{ network, addr string }{
		{"tcp", "127.0.0.1:" + strconv.Itoa(r.tcp)},
		{"udp", "127.0.0.1:" + strconv.Itoa(r.udp)},
		{"unixgram", r.sock},
	} {
		probe := "ready-" + in.network
		for !strings.Contains(r.output(), probe) {
			if time.Now().After(deadline) {
				t.Fatalf("rsyslogd input %s not ready; output so far:\n%s", in.network, r.output())
			}
			if c, err := net.Dial(in.network, in.addr); err == nil {
				msg := "<14>1 - probe test - - - " + probe
				if in.network == "tcp" {
					msg = strconv.Itoa(len(msg)) + " " + msg
				}
				c.Write([]byte(msg))
				c.Close()
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func (r *rsyslog) output() string {
	b, _ := os.ReadFile(r.out)
	return string(b)
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T, network string) int {
	t.Helper()
	var addr net.Addr
	if network == "udp" {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = pc.LocalAddr()
		pc.Close()
	} else {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = ln.Addr()
		ln.Close()
	}
	_, port, _ := net.SplitHostPort(addr.String())
	n, _ := strconv.Atoi(port)
	return n
}

// TestRsyslogInterop sends alerts to a real rsyslogd over each transport
// in each format and checks that every one was parsed with its header
// fields and its JSON intact.
func TestRsyslogInterop(t *testing.T) {
	r := startRsyslog(t)
	const n = 50
	cases := []struct{ network, address, format string }{
		{"udp", "127.0.0.1:" + strconv.Itoa(r.udp), FormatRFC5424},
		{"udp", "127.0.0.1:" + strconv.Itoa(r.udp), FormatRFC3164},
		{"tcp", "127.0.0.1:" + strconv.Itoa(r.tcp), FormatRFC5424},
		{"tcp", "127.0.0.1:" + strconv.Itoa(r.tcp), FormatRFC3164},
		{"unixgram", r.sock, FormatRFC5424},
		{"unixgram", r.sock, FormatRFC3164},
	}
	for ci, tc := range cases {
		t.Run(tc.network+"/"+tc.format, func(t *testing.T) {
			cfg := syslogConfig(tc.network, tc.address, tc.format, FramingOctetCounting)
			cfg.AppName = fmt.Sprintf("sgtest%d", ci)
			s, err := Open(cfg)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			for i := range n {
				s.Send(testMessage(i))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := s.Close(ctx); err != nil {
				t.Fatalf("Close: %v", err)
			}

			var lines []string
			deadline := time.Now().Add(10 * time.Second)
			for {
				lines = lines[:0]
				for _, l := range strings.Split(r.output(), "\n") {
					if strings.Contains(l, "|"+cfg.AppName+"|") {
						lines = append(lines, l)
					}
				}
				if len(lines) >= n || time.Now().After(deadline) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			seen := make(map[int]bool)
			for _, l := range lines {
				f := strings.SplitN(l, "|", 6)
				if len(f) != 6 {
					t.Fatalf("unexpected line %q", l)
				}
				if f[0] != "local4" && f[0] != "20" || f[1] != "crit" && f[1] != "2" {
					t.Errorf("facility %s severity %s, want local4 and crit", f[0], f[1])
				}
				if tc.network != "unixgram" && f[2] != "probe-1" {
					t.Errorf("hostname %q, want probe-1", f[2])
				}
				if tc.format == FormatRFC5424 && f[4] != "MASSCAN_SCAN" {
					t.Errorf("msgid %q, want MASSCAN_SCAN", f[4])
				}
				seen[seqOf(t, strings.TrimSpace(f[5]))] = true
			}
			for i := range n {
				if !seen[i] {
					t.Errorf("alert %d did not reach rsyslogd (%d lines)", i, len(lines))
				}
			}
		})
	}
}
