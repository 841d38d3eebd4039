// Command natrium-interop drives a server binary (natrium-server or nats-server) through the
// Go client nats.go (Debian golang-github-nats-io-go-nats-dev, GOPATH mode). It starts the
// server itself, runs each scenario, prints PASS/FAIL lines and exits non-zero on any failure.
//
//	natrium-interop -server /path/to/natrium-server
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
)

type server struct {
	cmd    *exec.Cmd
	exited chan struct{}
	dir    string
	port   int
}

// startServer runs the binary on 127.0.0.1 with a ports file, the same flags the C++ harness
// uses; port -1 asks for a random one.
func startServer(binary string, port int, config string) (*server, error) {
	dir, err := os.MkdirTemp("", "natrium-go-interop-")
	if err != nil {
		return nil, err
	}
	args := []string{"-a", "127.0.0.1", "-p", strconv.Itoa(port), "--ports_file_dir", dir}
	if config != "" {
		conf := filepath.Join(dir, "server.conf")
		if err := os.WriteFile(conf, []byte(config), 0o644); err != nil {
			return nil, err
		}
		args = append([]string{"-c", conf}, args...)
	}
	log, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(binary, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	s := &server{cmd: cmd, exited: exited, dir: dir}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			out, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			return nil, fmt.Errorf("server exited during start: %s", out)
		default:
		}
		matches, _ := filepath.Glob(filepath.Join(dir, "*.ports"))
		for _, m := range matches {
			data, err := os.ReadFile(m)
			if err != nil {
				continue
			}
			var ports struct {
				Nats []string `json:"nats"`
			}
			if json.Unmarshal(data, &ports) != nil || len(ports.Nats) == 0 {
				continue
			}
			i := strings.LastIndex(ports.Nats[0], ":")
			if p, err := strconv.Atoi(ports.Nats[0][i+1:]); err == nil {
				s.port = p
				return s, nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.stop()
	return nil, errors.New("no ports file within 10s")
}

func (s *server) url() string { return fmt.Sprintf("nats://127.0.0.1:%d", s.port) }

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	os.RemoveAll(s.dir)
}

var binary string

func withServer(config string, f func(s *server) error) error {
	s, err := startServer(binary, -1, config)
	if err != nil {
		return err
	}
	defer s.stop()
	return f(s)
}

func connect(s *server, opts ...nats.Option) (*nats.Conn, error) {
	opts = append([]nats.Option{nats.Timeout(3 * time.Second), nats.NoReconnect()}, opts...)
	return nats.Connect(s.url(), opts...)
}

func expectData(sub *nats.Subscription, want string) error {
	msg, err := sub.NextMsg(2 * time.Second)
	if err != nil {
		return fmt.Errorf("waiting for %q on %s: %v", want, sub.Subject, err)
	}
	if string(msg.Data) != want {
		return fmt.Errorf("on %s got %q, want %q", sub.Subject, msg.Data, want)
	}
	return nil
}

func expectNone(sub *nats.Subscription) error {
	if msg, err := sub.NextMsg(200 * time.Millisecond); err == nil {
		return fmt.Errorf("unexpected message on %s: %s %q", sub.Subject, msg.Subject, msg.Data)
	}
	return nil
}

func pubSubWildcards(s *server) error {
	nc, err := connect(s)
	if err != nil {
		return err
	}
	defer nc.Close()
	star, _ := nc.SubscribeSync("orders.*")
	tail, _ := nc.SubscribeSync("orders.>")
	nc.Publish("orders.new", []byte("one"))
	nc.Publish("orders.eu.new", []byte("two"))
	nc.Publish("orders", []byte("none"))
	if err := nc.Flush(); err != nil {
		return err
	}
	for _, check := range []error{expectData(star, "one"), expectNone(star),
		expectData(tail, "one"), expectData(tail, "two"), expectNone(tail)} {
		if check != nil {
			return check
		}
	}
	return nil
}

func queueGroups(s *server) error {
	nc, err := connect(s)
	if err != nil {
		return err
	}
	defer nc.Close()
	const members, messages = 3, 90
	var counts [members]int64
	var seen sync.Map
	var total int64
	for i := 0; i < members; i++ {
		i := i
		if _, err := nc.QueueSubscribe("jobs.*", "workers", func(m *nats.Msg) {
			atomic.AddInt64(&counts[i], 1)
			atomic.AddInt64(&total, 1)
			if _, dup := seen.LoadOrStore(m.Subject, true); dup {
				fmt.Println("  duplicate delivery of", m.Subject)
				atomic.AddInt64(&total, 1000)
			}
		}); err != nil {
			return err
		}
	}
	nc.Flush()
	pub, err := connect(s)
	if err != nil {
		return err
	}
	defer pub.Close()
	for i := 0; i < messages; i++ {
		pub.Publish(fmt.Sprintf("jobs.%d", i), []byte("job"))
	}
	pub.Flush()
	deadline := time.Now().Add(3 * time.Second)
	for atomic.LoadInt64(&total) < messages && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	if got := atomic.LoadInt64(&total); got != messages {
		return fmt.Errorf("group received %d deliveries for %d messages", got, messages)
	}
	for i := range counts {
		if atomic.LoadInt64(&counts[i]) == 0 {
			return fmt.Errorf("member %d never chosen in %d messages", i, messages)
		}
	}
	return nil
}

func requestReply(s *server) error {
	nc, err := connect(s)
	if err != nil {
		return err
	}
	defer nc.Close()
	nc.QueueSubscribe("svc.echo", "svc", func(m *nats.Msg) { m.Respond(append([]byte("re:"), m.Data...)) })
	nc.Flush()
	req, err := connect(s)
	if err != nil {
		return err
	}
	defer req.Close()
	for i := 0; i < 20; i++ {
		body := fmt.Sprintf("ping%d", i)
		reply, err := req.Request("svc.echo", []byte(body), 2*time.Second)
		if err != nil {
			return err
		}
		if string(reply.Data) != "re:"+body {
			return fmt.Errorf("reply %q", reply.Data)
		}
	}
	return nil
}

func noResponders(s *server) error {
	nc, err := connect(s)
	if err != nil {
		return err
	}
	defer nc.Close()
	start := time.Now()
	_, err = nc.Request("nobody.here", []byte("x"), 3*time.Second)
	if !errors.Is(err, nats.ErrNoResponders) {
		return fmt.Errorf("got %v, want nats.ErrNoResponders", err)
	}
	if took := time.Since(start); took > 1500*time.Millisecond {
		return fmt.Errorf("no-responders took %v (timeout instead of 503?)", took)
	}
	return nil
}

func headers(s *server) error {
	nc, err := connect(s)
	if err != nil {
		return err
	}
	defer nc.Close()
	sub, _ := nc.SubscribeSync("with.headers")
	msg := nats.NewMsg("with.headers")
	msg.Data = []byte("body")
	msg.Header.Set("Trace-Id", "abc123")
	msg.Header.Add("Multi", "one")
	msg.Header.Add("Multi", "two")
	if err := nc.PublishMsg(msg); err != nil {
		return err
	}
	got, err := sub.NextMsg(2 * time.Second)
	if err != nil {
		return err
	}
	if string(got.Data) != "body" || got.Header.Get("Trace-Id") != "abc123" ||
		strings.Join(got.Header.Values("Multi"), ",") != "one,two" {
		return fmt.Errorf("got data %q headers %v", got.Data, got.Header)
	}
	return nil
}

func drain(s *server) error {
	nc, err := connect(s)
	if err != nil {
		return err
	}
	closed := make(chan struct{})
	nc.SetClosedHandler(func(*nats.Conn) { close(closed) })
	var received int64
	nc.Subscribe("drain.me", func(*nats.Msg) {
		time.Sleep(time.Millisecond)
		atomic.AddInt64(&received, 1)
	})
	nc.Flush()
	pub, err := connect(s)
	if err != nil {
		return err
	}
	defer pub.Close()
	for i := 0; i < 200; i++ {
		pub.Publish("drain.me", []byte("x"))
	}
	pub.Flush()
	nc.Flush()
	if err := nc.Drain(); err != nil {
		return err
	}
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		return errors.New("drain did not close the connection")
	}
	if got := atomic.LoadInt64(&received); got != 200 {
		return fmt.Errorf("drain delivered %d of 200", got)
	}
	return nil
}

func reconnect(s *server) error {
	port := s.port
	disconnected := make(chan struct{}, 1)
	reconnected := make(chan struct{}, 1)
	nc, err := nats.Connect(s.url(), nats.MaxReconnects(200), nats.ReconnectWait(50*time.Millisecond),
		nats.DisconnectErrHandler(func(*nats.Conn, error) { disconnected <- struct{}{} }),
		nats.ReconnectHandler(func(*nats.Conn) { reconnected <- struct{}{} }))
	if err != nil {
		return err
	}
	defer nc.Close()
	sub, _ := nc.SubscribeSync("survive")
	nc.Flush()
	s.stop()
	select {
	case <-disconnected:
	case <-time.After(5 * time.Second):
		return errors.New("no disconnect after server stop")
	}
	s2, err := startServer(binary, port, "")
	if err != nil {
		return err
	}
	*s = *s2 // withServer's deferred stop now stops the new one.
	select {
	case <-reconnected:
	case <-time.After(10 * time.Second):
		return errors.New("no reconnect after server restart")
	}
	pub, err := connect(s)
	if err != nil {
		return err
	}
	defer pub.Close()
	nc.Flush()
	pub.Publish("survive", []byte("after"))
	pub.Flush()
	return expectData(sub, "after")
}

func authentication(s *server) error {
	good, err := connect(s, nats.UserInfo("app", "secret"))
	if err != nil {
		return fmt.Errorf("good credentials: %v", err)
	}
	good.Close()
	bad, err := connect(s, nats.UserInfo("app", "wrong"))
	if err == nil {
		bad.Close()
		return errors.New("bad credentials were accepted")
	}
	if !strings.Contains(strings.ToLower(err.Error()), "authorization violation") {
		return fmt.Errorf("bad credentials: got %v, want an authorization violation", err)
	}
	return nil
}

func main() {
	flag.StringVar(&binary, "server", "", "server binary to test")
	flag.Parse()
	if binary == "" {
		fmt.Fprintln(os.Stderr, "usage: natrium-interop -server PATH")
		os.Exit(2)
	}
	scenarios := []struct {
		name   string
		config string
		run    func(*server) error
	}{
		{"pub/sub with wildcards", "", pubSubWildcards},
		{"queue groups", "", queueGroups},
		{"request/reply", "", requestReply},
		{"no responders", "", noResponders},
		{"headers", "", headers},
		{"drain", "", drain},
		{"reconnect after restart", "", reconnect},
		{"user/password auth", "authorization { user: app, password: secret }\n", authentication},
	}
	failed := 0
	for _, sc := range scenarios {
		start := time.Now()
		err := withServer(sc.config, sc.run)
		if err != nil {
			failed++
			fmt.Printf("FAIL %s: %v\n", sc.name, err)
		} else {
			fmt.Printf("PASS %s (%v)\n", sc.name, time.Since(start).Round(time.Millisecond))
		}
	}
	if failed > 0 {
		fmt.Printf("%d of %d scenarios failed against %s\n", failed, len(scenarios), binary)
		os.Exit(1)
	}
	fmt.Printf("all %d scenarios passed against %s\n", len(scenarios), binary)
}
