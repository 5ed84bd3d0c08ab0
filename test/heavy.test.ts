import { describe, expect, it } from 'vitest';
import { init, process, StateUpdate, TheusEngine } from 'theus';

await init();

describe('HEAVY zone', () => {
  it('stores binary data by reference: not copied, not frozen', async () => {
    const frames = new Float32Array([1, 2, 3]);
    const engine = await TheusEngine.create({ domain_ctx: { heavy_frames: frames, count: 0 } });
    expect(Object.isFrozen(engine.state.domain_ctx)).toBe(true);
    expect(engine.state.domain_ctx.heavy_frames).toBe(frames);
    expect(Object.isFrozen(frames)).toBe(false);

    const replace = process({ outputs: ['domain_ctx.heavy_frames'] }, function load_frames() {
      return new StateUpdate({ heavy: { 'domain_ctx.heavy_frames': new Float32Array(1024) } });
    });
    await engine.execute(replace);
    const loaded = engine.state.domain_ctx.heavy_frames;
    expect(loaded).toHaveLength(1024);
    expect(Object.isFrozen(loaded)).toBe(false);
  });

  it('is zero-copy in place, and so is not rolled back', async () => {
    const frames = new Uint8Array([0, 0]);
    const engine = await TheusEngine.create({ domain_ctx: { heavy_frames: frames } });
    const scribble = process({ outputs: ['domain_ctx.heavy_frames'] }, function scribble(ctx) {
      ctx.domain_ctx.heavy_frames[0] = 255;
      throw new Error('fail after writing');
    });
    await expect(engine.execute(scribble)).rejects.toThrow('fail after writing');
    expect(frames[0]).toBe(255);
    expect(engine.version).toBe(0);
  });

  it('refuses HEAVY paths in StateUpdate data, and DATA paths in heavy', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { heavy_x: null, y: 0 } });
    const wrongPart = process({ outputs: ['domain_ctx'] }, function wrong_part() {
      return new StateUpdate({ data: { 'domain_ctx.heavy_x': new Uint8Array(1) } });
    });
    await expect(engine.execute(wrongPart)).rejects.toThrow("'domain_ctx.heavy_x' is in the HEAVY zone, so it belongs in StateUpdate's 'heavy', not 'data'");
    const wrongZone = process({ outputs: ['domain_ctx'] }, function wrong_zone() {
      return new StateUpdate({ heavy: { 'domain_ctx.y': 1 } });
    });
    await expect(engine.execute(wrongZone)).rejects.toThrow("'domain_ctx.y' is in the DATA zone, so it belongs in StateUpdate's 'data', not 'heavy'");
  });
});
