import { serveDir } from "./serve_dir.ts";
import { assertEquals, assertMatch } from "./assert.ts";
import { runCli } from "./cli_run.ts";
import { COMPAT, makeImage, ROOT } from "./helpers.ts";
import { encodeImageFile } from "../src/image/image_file.ts";

Deno.test("cli: runs from a URL (cli.ts served over loopback HTTP, no deno.json)", async () => {
  await using server = serveDir(ROOT);
  const cli = `${server.url}cli.ts`;
  const dir = Deno.makeTempDirSync();
  const version = await runCli(["--version"], dir, { cli });
  assertEquals(version.code, 0, version.stderr);
  assertMatch(version.stdout, /^bpcodec \d/);
  const train = await runCli(
    ["train", "--format", "classic", "--input-dir", `${COMPAT}train`, "--model", "m.bpm"],
    dir,
    { cli },
  );
  assertEquals(train.code, 0, train.stderr);
  const png = `${COMPAT}03_r_faq_p012_crop200x100.png`;
  assertEquals(
    (await runCli(["encode", "--model", "m.bpm", "--input", png, "--output", "p.bpc"], dir, {
      cli,
    }))
      .code,
    0,
  );
  assertEquals(
    Deno.readFileSync(`${dir}/p.bpc`),
    Deno.readFileSync(`${COMPAT}03_r_faq_p012_crop200x100.bpc`),
  );
  const decode = await runCli(
    ["decode", "--model", "m.bpm", "--input", "p.bpc", "--output", "p.png"],
    dir,
    { cli },
  );
  assertEquals(decode.code, 0, decode.stderr);
  // v2 with the built-in model: nothing but the URL is needed.
  const v2 = await runCli(["encode", "--input", png, "--output", "v2.bpc"], dir, { cli });
  assertEquals(v2.code, 0, v2.stderr);
  const back = await runCli(["decode", "--input", "v2.bpc", "--output", "v2.png"], dir, { cli });
  assertEquals(back.code, 0, back.stderr);
  // v2 training with two workers: the worker module comes from the same URL.
  const trainV2 = ["train", "--input-dir", `${COMPAT}train`, "--workers", "2", "--device", "cpu"];
  const remote = await runCli([...trainV2, "--model", "r.bpm"], dir, { cli });
  assertEquals(remote.code, 0, remote.stderr);
  const local = await runCli([...trainV2, "--model", "l.bpm"], dir);
  assertEquals(local.code, 0, local.stderr);
  assertEquals(Deno.readFileSync(`${dir}/r.bpm`), Deno.readFileSync(`${dir}/l.bpm`));
  // Tiles coded on two workers, whose module comes from the same URL.
  const wide = makeImage(4200, 4, (x, y) => (x * 3 + y * 7) & 255);
  Deno.writeFileSync(`${dir}/wide.pgm`, encodeImageFile(wide, "wide.pgm"));
  const tiled = ["encode", "wide.pgm", "--workers", "2"];
  assertEquals((await runCli([...tiled, "-o", "r.bpc"], dir, { cli })).code, 0);
  assertEquals(
    (await runCli(["encode", "wide.pgm", "--workers", "1", "-o", "l.bpc"], dir)).code,
    0,
  );
  assertEquals(Deno.readFileSync(`${dir}/r.bpc`), Deno.readFileSync(`${dir}/l.bpc`));
  const decoded = await runCli(["decode", "r.bpc", "-o", "r.pgm", "--workers", "2"], dir, { cli });
  assertEquals(decoded.code, 0, decoded.stderr);
  assertEquals(Deno.readFileSync(`${dir}/r.pgm`), Deno.readFileSync(`${dir}/wide.pgm`));
});
