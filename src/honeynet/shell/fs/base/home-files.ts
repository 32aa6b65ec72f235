import type { Account } from '../../system/login.js';
import type { Machine } from '../../system/machine.js';
import { SeededRandom } from '../../system/seeded-random.js';
import type { TreeBuilder } from '../tree-builder.js';

const DAY = 86_400_000;

const BASHRC = `# ~/.bashrc: executed by bash(1) for non-login shells.

# If not running interactively, don't do anything
case $- in
    *i*) ;;
      *) return;;
esac

# don't put duplicate lines or lines starting with space in the history.
HISTCONTROL=ignoreboth

# append to the history file, don't overwrite it
shopt -s histappend

# for setting history length see HISTSIZE and HISTFILESIZE in bash(1)
HISTSIZE=1000
HISTFILESIZE=2000

# check the window size after each command and, if necessary,
# update the values of LINES and COLUMNS.
shopt -s checkwinsize

# set a fancy prompt (non-color, unless we know we "want" color)
case "$TERM" in
    xterm-color|*-256color) color_prompt=yes;;
esac

if [ "$color_prompt" = yes ]; then
    PS1='\${debian_chroot:+($debian_chroot)}\\[\\033[01;32m\\]\\u@\\h\\[\\033[00m\\]:\\[\\033[01;34m\\]\\w\\[\\033[00m\\]\\$ '
else
    PS1='\${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ '
fi
unset color_prompt

# enable color support of ls and also add handy aliases
if [ -x /usr/bin/dircolors ]; then
    test -r ~/.dircolors && eval "$(dircolors -b ~/.dircolors)" || eval "$(dircolors -b)"
    alias ls='ls --color=auto'
    alias grep='grep --color=auto'
fi

# some more ls aliases
alias ll='ls -alF'
alias la='ls -A'
alias l='ls -CF'

if [ -f ~/.bash_aliases ]; then
    . ~/.bash_aliases
fi
`;

const ROOT_BASHRC = `# ~/.bashrc: executed by bash(1) for non-login shells.

# Note: PS1 and umask are already set in /etc/profile. You should not
# need this unless you want different defaults for root.
# PS1='\${debian_chroot:+($debian_chroot)}\\h:\\w\\$ '
# umask 022

# You may uncomment the following lines if you want \`ls' to be colorized:
# export LS_OPTIONS='--color=auto'
# eval "$(dircolors)"
# alias ls='ls $LS_OPTIONS'
# alias ll='ls $LS_OPTIONS -l'
# alias l='ls $LS_OPTIONS -lA'
#
# Some more alias to avoid making mistakes:
# alias rm='rm -i'
# alias cp='cp -i'
# alias mv='mv -i'
`;

const PROFILE = `# ~/.profile: executed by the command interpreter for login shells.
# This file is not read by bash(1), if ~/.bash_profile or ~/.bash_login
# exists.

# if running bash
if [ -n "$BASH_VERSION" ]; then
    # include .bashrc if it exists
    if [ -f "$HOME/.bashrc" ]; then
\t. "$HOME/.bashrc"
    fi
fi

# set PATH so it includes user's private bin if it exists
if [ -d "$HOME/bin" ] ; then
    PATH="$HOME/bin:$PATH"
fi

# set PATH so it includes user's private bin if it exists
if [ -d "$HOME/.local/bin" ] ; then
    PATH="$HOME/.local/bin:$PATH"
fi
`;

const ROOT_PROFILE = `# ~/.profile: executed by Bourne-compatible login shells.

if [ "$BASH" ]; then
  if [ -f ~/.bashrc ]; then
    . ~/.bashrc
  fi
fi

mesg n 2> /dev/null || true
`;

/** What an administrator of this machine typed: plausible, and different for every persona. */
function historyText(m: Machine, account: Account, rnd: SeededRandom): string {
  const pkg = m.persona.os.id === 'ubuntu' ? 'apt' : 'apt';
  const pool = [
    `sudo ${pkg} update`,
    `sudo ${pkg} upgrade -y`,
    'df -h',
    'free -m',
    'uptime',
    'systemctl status ssh',
    'sudo systemctl restart ssh',
    'journalctl -xe',
    'ls -la',
    'cd /var/log',
    'tail -f syslog',
    `ip a`,
    `ping -c 3 ${m.net.gateway}`,
    'top',
    'htop',
    'sudo reboot',
    'cat /etc/os-release',
    'crontab -l',
    `sudo nano /etc/ssh/sshd_config`,
    'exit',
    'history',
    'ps aux | grep ssh',
    'ss -tulpn',
    'sudo ufw status',
    `sudo ${pkg} install -y vim curl htop`,
    'du -sh *',
    'uname -a',
  ];
  const n = rnd.int(6, 18);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const cmd = rnd.pick(pool);
    lines.push(account.uid === 0 ? cmd.replace(/^sudo /, '') : cmd);
  }
  return `${lines.join('\n')}\n`;
}

/** Home directories: /root and one per persona user, with the distribution's skeleton files. */
export function addHomes(b: TreeBuilder, m: Machine): void {
  const rnd = new SeededRandom(`${m.seed}:homes`);
  const t = m.installTime;
  const root = m.accounts[0]!;
  b.dir('/root', { mode: 0o700, mtime: m.persona.bootTime - rnd.int(1, 20) * DAY });
  b.file('/root/.bashrc', ROOT_BASHRC, { mtime: t });
  b.file('/root/.profile', ROOT_PROFILE, { mtime: t });
  b.file('/root/.bash_history', historyText(m, root, rnd), { mode: 0o600, mtime: m.persona.bootTime - rnd.int(1, 5) * DAY });
  b.dir('/root/.ssh', { mode: 0o700, mtime: t + DAY });
  b.file('/root/.ssh/authorized_keys', '', { mode: 0o600, mtime: t + DAY });
  b.dir('/root/.cache', { mode: 0o700, mtime: t + DAY });
  b.dir('/home', { mtime: t + 2 * DAY });
  for (const user of m.persona.users) {
    const owner = { uid: user.uid, gid: user.gid };
    const made = t + rnd.int(0, 3) * DAY;
    const account = m.accounts.find((a) => a.name === user.name) ?? root;
    b.dir(user.home, { mode: m.persona.os.id === 'ubuntu' ? 0o750 : 0o755, ...owner, mtime: made + rnd.int(1, 90) * DAY });
    b.file(`${user.home}/.bashrc`, BASHRC, { ...owner, mtime: made });
    b.file(`${user.home}/.profile`, PROFILE, { ...owner, mtime: made });
    b.file(`${user.home}/.bash_logout`, '# ~/.bash_logout: executed by bash(1) when login shell exits.\n\n# when leaving the console clear the screen to increase privacy\n\nif [ "$SHLVL" = 1 ]; then\n    [ -x /usr/bin/clear_console ] && /usr/bin/clear_console -q\nfi\n', { ...owner, mtime: made });
    b.file(`${user.home}/.bash_history`, historyText(m, account, rnd), { mode: 0o600, ...owner, mtime: m.persona.bootTime - rnd.int(0, 9) * DAY });
    b.dir(`${user.home}/.ssh`, { mode: 0o700, ...owner, mtime: made + DAY });
    b.file(`${user.home}/.ssh/authorized_keys`, `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${rnd.cryptChars(43).replace(/[./]/g, 'x')} ${user.name}@${rnd.pick(['laptop', 'workstation', 'desktop', 'mbp'])}\n`, { mode: 0o600, ...owner, mtime: made + DAY });
  }
}
