import { CommandRegistry } from '../command-registry.js';
import type { ShellCommand } from '../command.js';
import { alias } from './alias.js';
import { apt } from './apt.js';
import { base64 } from './base64.js';
import { busybox } from './busybox.js';
import { cat } from './cat.js';
import { cd } from './cd.js';
import { chattr } from './chattr.js';
import { chmod } from './chmod.js';
import { chown } from './chown.js';
import { clear } from './clear.js';
import { cp } from './cp.js';
import { crontab } from './crontab.js';
import { curl } from './curl.js';
import { cut } from './cut.js';
import { date } from './date.js';
import { df } from './df.js';
import { echo } from './echo.js';
import { enable } from './enable.js';
import { env } from './env.js';
import { exit } from './exit.js';
import { exportCommand } from './export.js';
import { falseCommand } from './false.js';
import { free } from './free.js';
import { grep } from './grep.js';
import { head } from './head.js';
import { history } from './history.js';
import { hostname } from './hostname.js';
import { id } from './id.js';
import { ifconfig } from './ifconfig.js';
import { ip } from './ip.js';
import { kill } from './kill.js';
import { ls } from './ls.js';
import { lsattr } from './lsattr.js';
import { lscpu } from './lscpu.js';
import { mkdir } from './mkdir.js';
import { mount } from './mount.js';
import { mv } from './mv.js';
import { nc } from './nc.js';
import { netstat } from './netstat.js';
import { nproc } from './nproc.js';
import { passwd } from './passwd.js';
import { perl } from './perl.js';
import { printf } from './printf.js';
import { ps } from './ps.js';
import { pwd } from './pwd.js';
import { python3 } from './python3.js';
import { rm } from './rm.js';
import { scp } from './scp.js';
import { sh } from './sh.js';
import { shutdown } from './shutdown.js';
import { sleep } from './sleep.js';
import { sort } from './sort.js';
import { ss } from './ss.js';
import { ssh } from './ssh.js';
import { su } from './su.js';
import { sudo } from './sudo.js';
import { systemctl } from './systemctl.js';
import { tail } from './tail.js';
import { top } from './top.js';
import { touch } from './touch.js';
import { tr } from './tr.js';
import { trueCommand } from './true.js';
import { type } from './type.js';
import { uname } from './uname.js';
import { uniq } from './uniq.js';
import { unset } from './unset.js';
import { uptime } from './uptime.js';
import { w } from './w.js';
import { wc } from './wc.js';
import { wget } from './wget.js';
import { which } from './which.js';
import { who } from './who.js';
import { whoami } from './whoami.js';

/** Every emulated command, one module each. */
export const ALL_COMMANDS: readonly ShellCommand[] = [
  enable,
  alias,
  apt,
  base64,
  busybox,
  cat,
  cd,
  chattr,
  chmod,
  chown,
  clear,
  cp,
  crontab,
  curl,
  cut,
  date,
  df,
  echo,
  env,
  exit,
  exportCommand,
  falseCommand,
  free,
  grep,
  head,
  history,
  hostname,
  id,
  ifconfig,
  ip,
  kill,
  ls,
  lsattr,
  lscpu,
  mkdir,
  mount,
  mv,
  nc,
  netstat,
  nproc,
  passwd,
  perl,
  printf,
  ps,
  pwd,
  python3,
  rm,
  scp,
  sh,
  shutdown,
  sleep,
  sort,
  ss,
  ssh,
  su,
  sudo,
  systemctl,
  tail,
  top,
  touch,
  tr,
  trueCommand,
  type,
  uname,
  uniq,
  unset,
  uptime,
  w,
  wc,
  wget,
  which,
  who,
  whoami,
];

let shared: CommandRegistry | undefined;

/** The registry of all commands (built once; registries are immutable). */
export function defaultRegistry(): CommandRegistry {
  shared ??= new CommandRegistry(ALL_COMMANDS);
  return shared;
}
