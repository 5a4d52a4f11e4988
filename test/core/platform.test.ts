import { describe, expect, it } from 'vitest';
import { setup } from '../util';

describe('Platform setup notes', () => {
  it('are listed once per topic, sorted by topic', () => {
    const { platform } = setup([]);
    platform.addSetupNote('b topic', 'second');
    platform.addSetupNote('a topic', 'first');
    platform.addSetupNote('b topic', 'second');
    expect(platform.setupNotes).toEqual([
      { topic: 'a topic', text: 'first' },
      { topic: 'b topic', text: 'second' },
    ]);
  });

  it('fails when a topic gets another text', () => {
    const { platform } = setup([]);
    platform.addSetupNote('mesh', 'one');
    expect(() => platform.addSetupNote('mesh', 'two')).toThrow(/^test: setup note already has another text \(received: "mesh"\)\. Fix: give each setup note its own topic/);
  });
});
