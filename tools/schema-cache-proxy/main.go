// schema-cache-proxy sits between tofu and one shared AWS provider process (tools/shared-provider.ts)
// and answers every GetSchema call after the first from memory. The provider builds and encodes
// its whole schema (~1,500 resource types) on every call, about 1.7 CPU s, and every tofu
// command asks for it; the answer never changes while the process runs. Every other call, of
// any service (the provider's, go-plugin's stdio and controller), is passed through unchanged,
// as raw frames, so the proxy needs no knowledge of the protocol's messages.
//
//	schema-cache-proxy -listen <unix socket> -upstream <unix socket of the provider>
//
// It prints "ready" once it accepts connections, and runs until it is killed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

// The schema calls of plugin protocols 5 and 6: their request is empty, their answer fixed.
var schemaMethods = map[string]bool{
	"/tfplugin5.Provider/GetSchema":         true,
	"/tfplugin6.Provider/GetProviderSchema": true,
}

// frame is one message as it travels: bytes, never decoded.
type frame struct{ payload []byte }

// rawCodec passes frames through; named "proto" so the wire format and content type are unchanged.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) {
	f, ok := v.(*frame)
	if !ok {
		return nil, fmt.Errorf("schema-cache-proxy: cannot marshal %T", v)
	}
	return f.payload, nil
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	f, ok := v.(*frame)
	if !ok {
		return fmt.Errorf("schema-cache-proxy: cannot unmarshal into %T", v)
	}
	f.payload = append([]byte(nil), data...)
	return nil
}

func (rawCodec) Name() string { return "proto" }

type proxy struct {
	upstream *grpc.ClientConn
	mu       sync.Mutex
	schemas  map[string][]byte
}

// handle forwards one call of any kind (unary or streaming) to the provider, or answers a schema call it has seen.
func (p *proxy) handle(_ any, server grpc.ServerStream) error {
	method, ok := grpc.MethodFromServerStream(server)
	if !ok {
		return errors.New("schema-cache-proxy: no method in the call")
	}
	if schemaMethods[method] {
		return p.schema(method, server)
	}
	return p.forward(method, server)
}

func (p *proxy) schema(method string, server grpc.ServerStream) error {
	request := &frame{}
	if err := server.RecvMsg(request); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock() // one fetch, however many commands ask at once
	if cached, ok := p.schemas[method]; ok {
		return server.SendMsg(&frame{payload: cached})
	}
	response := &frame{}
	md, _ := metadata.FromIncomingContext(server.Context())
	ctx := metadata.NewOutgoingContext(server.Context(), md)
	if err := p.upstream.Invoke(ctx, method, request, response, grpc.ForceCodec(rawCodec{})); err != nil {
		return err
	}
	p.schemas[method] = response.payload
	return server.SendMsg(response)
}

func (p *proxy) forward(method string, server grpc.ServerStream) error {
	ctx, cancel := context.WithCancel(server.Context())
	defer cancel()
	md, _ := metadata.FromIncomingContext(server.Context())
	client, err := p.upstream.NewStream(metadata.NewOutgoingContext(ctx, md), &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, method, grpc.ForceCodec(rawCodec{}))
	if err != nil {
		return err
	}
	// Caller to provider: every message, then half-close.
	sent := make(chan error, 1)
	go func() {
		for {
			f := &frame{}
			if err := server.RecvMsg(f); err != nil {
				if errors.Is(err, io.EOF) {
					sent <- client.CloseSend()
				} else {
					sent <- err
				}
				return
			}
			if err := client.SendMsg(f); err != nil {
				sent <- err
				return
			}
		}
	}()
	// Provider to caller: headers, every message, trailers, and the call's status.
	header, err := client.Header()
	if err != nil {
		return err
	}
	if err := server.SendHeader(header); err != nil {
		return err
	}
	for {
		f := &frame{}
		if err := client.RecvMsg(f); err != nil {
			server.SetTrailer(client.Trailer())
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if err := server.SendMsg(f); err != nil {
			return err
		}
	}
}

func main() {
	listen := flag.String("listen", "", "unix socket to accept tofu's connections on")
	upstream := flag.String("upstream", "", "unix socket of the provider")
	flag.Parse()
	if *listen == "" || *upstream == "" {
		fmt.Fprintln(os.Stderr, "usage: schema-cache-proxy -listen <unix socket> -upstream <unix socket>")
		os.Exit(2)
	}
	conn, err := grpc.NewClient("unix://"+*upstream, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(1<<30), grpc.MaxCallSendMsgSize(1<<30)))
	if err != nil {
		fmt.Fprintf(os.Stderr, "schema-cache-proxy: %v\n", err)
		os.Exit(1)
	}
	p := &proxy{upstream: conn, schemas: map[string][]byte{}}
	listener, err := net.Listen("unix", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "schema-cache-proxy: %v\n", err)
		os.Exit(1)
	}
	server := grpc.NewServer(grpc.UnknownServiceHandler(p.handle), grpc.ForceServerCodec(rawCodec{}),
		grpc.MaxRecvMsgSize(1<<30), grpc.MaxSendMsgSize(1<<30))
	fmt.Println("ready")
	if err := server.Serve(listener); err != nil {
		fmt.Fprintf(os.Stderr, "schema-cache-proxy: %v\n", err)
		os.Exit(1)
	}
}
