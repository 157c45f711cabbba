import { assertEquals, assertMatch } from "./assert.ts";
import { ROOT } from "./helpers.ts";

Deno.test("demo: the README's first command trains, codes and checks the bundled samples", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "demo"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  assertMatch(stdout, /PNG\s+v2 built-in\s+v2 trained\s+classic/);
  assertEquals(stdout.match(/^\S+\.pgm /gm)?.length, 5);
  assertMatch(stdout, /all images decoded identically/);
});
