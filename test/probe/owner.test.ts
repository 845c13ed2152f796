import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { expect } from 'chai';
import { formatDuration, localProcesses, ownerLabels, ownerOf, parseDuration, runStatus, statStartTime, type Owner, type ProcessTable } from '../../lib/probe/owner';

const SELF: Owner = { host: 'ci-1', pid: 100, pidSpace: 'boot-a/4026531836', pidStart: '5000' };
const NOW = new Date('2026-03-01T12:00:00.000Z');
const HOUR = 3_600_000;

/** A process table with the given processes (pid -> start ticks) in SELF's pid space. */
function table(processes: Record<number, string>, self: Owner = SELF): ProcessTable {
  return {
    self: () => self,
    startOf: (pid) => processes[pid] ?? null,
    exists: (pid) => pid in processes,
  };
}

const status = (labels: Record<string, string> | undefined, processes: ProcessTable, created?: Date) => runStatus(labels, created, { processes, now: NOW, olderThanMs: HOUR });
const labelsOf = (owner: Owner, started: string) => ownerLabels(owner, new Date(started));

describe('probe run ownership (no docker engine needed)', () => {
  it('on this host a run is over exactly when its owner process is gone or its pid was reused', () => {
    const mine = labelsOf({ ...SELF, pid: 200, pidStart: '7000' }, '2026-03-01T11:59:00.000Z');
    expect(status(mine, table({ 200: '7000' }))).to.deep.equal({ over: false, why: 'its owner process 200 is running' });
    expect(status(mine, table({}))).to.deep.equal({ over: true, why: 'its owner process 200 is gone' });
    expect(status(mine, table({ 200: '9123' }))).to.deep.equal({ over: true, why: 'its owner process 200 is gone (the pid now belongs to a process started later)' });
    // age does not matter on this host: a live run of a day is left, a dead run of a minute removed
    const old = labelsOf({ ...SELF, pid: 200, pidStart: '7000' }, '2026-02-28T12:00:00.000Z');
    expect(status(old, table({ 200: '7000' })).over).to.equal(false);
  });

  it('a run of another host, another pid namespace or another boot is over only when older than the threshold', () => {
    const other = labelsOf({ host: 'ci-2', pid: 200, pidSpace: 'boot-b/1', pidStart: '7000' }, '2026-03-01T11:40:00.000Z');
    // pid 200 exists here, but it is not that host's process: age decides
    expect(status(other, table({ 200: '7000' }))).to.deep.equal({ over: false, why: 'owned by pid 200 on host "ci-2", started 20m ago (not older than 1h; see --older-than)' });
    const older = labelsOf({ host: 'ci-2', pid: 200 }, '2026-03-01T10:30:00.000Z');
    expect(status(older, table({}))).to.deep.equal({ over: true, why: 'owned by pid 200 on host "ci-2", started 1h30m ago (older than 1h)' });
    // same host name, other pid namespace (a container with the same host name): the pid cannot be checked
    const sibling = labelsOf({ ...SELF, pid: 200, pidSpace: 'boot-a/999' }, '2026-03-01T11:50:00.000Z');
    expect(status(sibling, table({}))).to.deep.equal({ over: false, why: 'owned by pid 200 of another pid namespace or boot of host "ci-1", started 10m ago (not older than 1h; see --older-than)' });
  });

  it('objects of older versions (no owner labels) are judged by age, from their oldest object', () => {
    expect(status({ 'com.compose-netlint.run': 'abcd0123' }, table({}), new Date('2026-03-01T11:55:00.000Z'))).to.deep.equal({
      over: false,
      why: 'no owner recorded (made by an older compose-netlint), started 5m ago (not older than 1h; see --older-than)',
    });
    expect(status(undefined, table({}), new Date('2026-03-01T09:00:00.000Z')).over).to.equal(true);
    expect(status(undefined, table({}))).to.deep.equal({ over: false, why: 'no owner recorded (made by an older compose-netlint), and its age is unknown' });
  });

  it('without /proc the owner is only a pid: it counts as running while a process of that pid exists', () => {
    const self: Owner = { host: 'mac', pid: 100 };
    const noProc: ProcessTable = { self: () => self, startOf: () => undefined, exists: (pid) => pid === 200 };
    expect(status(labelsOf({ host: 'mac', pid: 200 }, '2026-03-01T11:00:00.000Z'), noProc)).to.deep.equal({ over: false, why: 'a process 200 runs (without /proc a reused pid cannot be told from the owner)' });
    expect(status(labelsOf({ host: 'mac', pid: 201 }, '2026-03-01T11:00:00.000Z'), noProc)).to.deep.equal({ over: true, why: 'its owner process 201 is gone' });
  });

  it('labels carry the owner and read back the same; partial labels are no owner', () => {
    const labels = labelsOf(SELF, '2026-03-01T11:00:00.000Z');
    expect(labels).to.deep.equal({
      'com.compose-netlint.owner.host': 'ci-1',
      'com.compose-netlint.owner.pid': '100',
      'com.compose-netlint.owner.pid-space': 'boot-a/4026531836',
      'com.compose-netlint.owner.pid-start': '5000',
      'com.compose-netlint.started': '2026-03-01T11:00:00.000Z',
    });
    expect(ownerOf(labels)).to.deep.equal(SELF);
    expect(ownerOf({ 'com.compose-netlint.owner.host': 'x', 'com.compose-netlint.owner.pid': 'abc' })).to.equal(undefined);
  });

  it('reads the start time from /proc/<pid>/stat, whatever the command name holds', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    // field 22 is starttime
    expect(statStartTime(`42 (a) b (c) ${fields.join(' ')}`)).to.equal('22');
    expect(statStartTime('42 (x)')).to.equal(undefined);
  });

  it('this machine: its own process is running, a process that has exited is gone', function () {
    if (!fs.existsSync('/proc/self/stat')) this.skip();
    const self = localProcesses.self();
    expect(self.pidSpace).to.match(/^[0-9a-f-]{36}\/\d+$/);
    expect(localProcesses.startOf(process.pid)).to.equal(self.pidStart);
    const child = spawnSync(process.execPath, ['-e', '']);
    const labels = ownerLabels({ ...self, pid: child.pid! }, NOW);
    expect(runStatus(labels, undefined, { processes: localProcesses, now: NOW, olderThanMs: HOUR }).over).to.equal(true);
    expect(runStatus(ownerLabels(self, NOW), undefined, { processes: localProcesses, now: NOW, olderThanMs: HOUR })).to.deep.equal({ over: false, why: `its owner process ${process.pid} is running` });
  });

  it('durations: 30m, 2h, 1h30m, 90s, 1d; nothing else', () => {
    expect(['30m', '2h', '1h30m', '90s', '1d'].map(parseDuration)).to.deep.equal([1_800_000, 7_200_000, 5_400_000, 90_000, 86_400_000]);
    expect(['', '0m', '1', 'h', '1.5h', '-1h', '1 h', '2hours'].map(parseDuration)).to.deep.equal(Array(8).fill(undefined));
    expect([5_400_000, 90_000, 59_999, 86_400_000 + 3_600_000 + 60_000].map(formatDuration)).to.deep.equal(['1h30m', '1m30s', '59s', '1d1h']);
  });
});
