import type { MemoryInfo } from './memory.js';

/** One mounted filesystem, with the figures `df` prints (KiB). */
export interface MountEntry {
  source: string;
  target: string;
  fstype: string;
  options: string;
  /** Present for the filesystems `df` lists. */
  df?: { sizeKb: number; usedKb: number };
}

export interface DiskLayout {
  /** `/dev/sda` or `/dev/vda`. */
  device: string;
  rootSizeKb: number;
  rootUsedKb: number;
}

/** The mount table, in `/proc/mounts` order; `/run/user/<uid>` exists for the logged-in user's session. */
export function mountTable(mem: MemoryInfo, disk: DiskLayout, userUid: number): MountEntry[] {
  const runKb = Math.round(mem.totalKb / 10);
  const halfKb = Math.round(mem.totalKb / 2);
  const boot = `${disk.device}15`;
  return [
    { source: 'sysfs', target: '/sys', fstype: 'sysfs', options: 'rw,nosuid,nodev,noexec,relatime' },
    { source: 'proc', target: '/proc', fstype: 'proc', options: 'rw,nosuid,nodev,noexec,relatime' },
    {
      source: 'udev',
      target: '/dev',
      fstype: 'devtmpfs',
      options: `rw,nosuid,relatime,size=${halfKb - 4_000}k,nr_inodes=${Math.round(halfKb / 4)},mode=755,inode64`,
      df: { sizeKb: halfKb - 4_000, usedKb: 0 },
    },
    {
      source: 'devpts',
      target: '/dev/pts',
      fstype: 'devpts',
      options: 'rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000',
    },
    {
      source: 'tmpfs',
      target: '/run',
      fstype: 'tmpfs',
      options: `rw,nosuid,nodev,noexec,relatime,size=${runKb}k,mode=755,inode64`,
      df: { sizeKb: runKb, usedKb: 584 + (mem.shmemKb % 400) },
    },
    {
      source: `${disk.device}1`,
      target: '/',
      fstype: 'ext4',
      options: 'rw,relatime,discard,errors=remount-ro',
      df: { sizeKb: disk.rootSizeKb, usedKb: disk.rootUsedKb },
    },
    { source: 'securityfs', target: '/sys/kernel/security', fstype: 'securityfs', options: 'rw,nosuid,nodev,noexec,relatime' },
    {
      source: 'tmpfs',
      target: '/dev/shm',
      fstype: 'tmpfs',
      options: 'rw,nosuid,nodev,inode64',
      df: { sizeKb: halfKb, usedKb: 0 },
    },
    {
      source: 'tmpfs',
      target: '/run/lock',
      fstype: 'tmpfs',
      options: 'rw,nosuid,nodev,noexec,relatime,size=5120k,inode64',
      df: { sizeKb: 5_120, usedKb: 0 },
    },
    {
      source: 'cgroup2',
      target: '/sys/fs/cgroup',
      fstype: 'cgroup2',
      options: 'rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot',
    },
    { source: 'pstore', target: '/sys/fs/pstore', fstype: 'pstore', options: 'rw,nosuid,nodev,noexec,relatime' },
    { source: 'bpf', target: '/sys/fs/bpf', fstype: 'bpf', options: 'rw,nosuid,nodev,noexec,relatime,mode=700' },
    {
      source: 'systemd-1',
      target: '/proc/sys/fs/binfmt_misc',
      fstype: 'autofs',
      options: 'rw,relatime,fd=30,pgrp=1,timeout=0,minproto=5,maxproto=5,direct,pipe_ino=12345',
    },
    { source: 'mqueue', target: '/dev/mqueue', fstype: 'mqueue', options: 'rw,nosuid,nodev,noexec,relatime' },
    { source: 'debugfs', target: '/sys/kernel/debug', fstype: 'debugfs', options: 'rw,nosuid,nodev,noexec,relatime' },
    { source: 'tracefs', target: '/sys/kernel/tracing', fstype: 'tracefs', options: 'rw,nosuid,nodev,noexec,relatime' },
    { source: 'configfs', target: '/sys/kernel/config', fstype: 'configfs', options: 'rw,nosuid,nodev,noexec,relatime' },
    { source: 'fusectl', target: '/sys/fs/fuse/connections', fstype: 'fusectl', options: 'rw,nosuid,nodev,noexec,relatime' },
    {
      source: boot,
      target: '/boot/efi',
      fstype: 'vfat',
      options: 'rw,relatime,fmask=0022,dmask=0022,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro',
      df: { sizeKb: 126_678, usedKb: 11_840 },
    },
    {
      source: 'tmpfs',
      target: `/run/user/${userUid}`,
      fstype: 'tmpfs',
      options: `rw,nosuid,nodev,relatime,size=${runKb}k,nr_inodes=${Math.round(runKb / 4)},mode=700${userUid === 0 ? '' : `,uid=${userUid},gid=${userUid}`},inode64`,
      df: { sizeKb: runKb, usedKb: 0 },
    },
  ];
}

/** `/proc/mounts` text. */
export function procMountsText(mounts: MountEntry[]): string {
  return mounts.map((m) => `${m.source} ${m.target} ${m.fstype} ${m.options} 0 0\n`).join('');
}
