/**
 * A static file server on loopback, to run the command line from a URL as users do.
 *
 * @module
 */

/** A running server: its base URL; disposing it shuts it down. */
export interface DirServer extends AsyncDisposable {
  url: string;
}

/** Serves the files under `root` at `http://127.0.0.1:PORT/`. */
export function serveDir(root: string): DirServer {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.includes("..")) return new Response("bad path", { status: 400 });
    try {
      const body = await Deno.readFile(root + path.slice(1));
      const type = path.endsWith(".json") ? "application/json" : "application/typescript";
      return new Response(body, { headers: { "content-type": type } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
