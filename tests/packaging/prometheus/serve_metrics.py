"""Serves a saved /metrics response over HTTP on 127.0.0.1, on a port the kernel picks, so a real
Prometheus can scrape it in tests. Writes the port to PORT_FILE once listening.

usage: serve_metrics.py METRICS_FILE PORT_FILE
"""
import http.server
import os
import sys


def main():
    metrics_path, port_file = sys.argv[1], sys.argv[2]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.split("?")[0] != "/metrics":
                self.send_error(404)
                return
            with open(metrics_path, "rb") as stream:
                body = stream.read()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w", encoding="utf-8") as stream:
        stream.write(str(server.server_port))
    # Renamed into place so a reader never sees a half-written port.
    os.replace(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
