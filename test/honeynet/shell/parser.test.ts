/** The shell language: quoting, variables, operators, redirections, globbing, substitution, continuation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from '../../../src/honeynet/shell/parser/parser.js';
import { IncompleteInput, ShellSyntaxError } from '../../../src/honeynet/shell/parser/syntax-error.js';
import { shell } from './session-helper.js';

describe('shell parser', () => {
  it('quotes: single, double, backslash, ANSI-C', () => {
    const s = shell();
    assert.equal(s.run(`echo 'a  $HOME' "b  $USER" c\\ d \\$x $'t\\tx'`), 'a  $HOME b  root c d $x t\tx\n');
    assert.equal(s.run(`echo "say \\"hi\\" \\\\ \\$"`), 'say "hi" \\ $\n');
    assert.equal(s.run(`echo ''""x`), 'x\n');
  });

  it('variables: $VAR, ${VAR}, $?, $$, defaults, length, unset and field splitting', () => {
    const s = shell();
    assert.equal(s.run('X=hello; echo $X ${X}world ${#X} ${NOPE:-dflt} ${X:+alt}'), 'hello helloworld 5 dflt alt\n');
    assert.equal(s.run('false; echo $?; true; echo $?'), '1\n0\n');
    assert.equal(s.run('echo $$'), '4242\n');
    assert.equal(s.run('Y="a   b"; printf "[%s]" $Y "$Y"; echo'), '[a][b][a   b]\n');
    assert.equal(s.run('echo ${X'), '');
    assert.equal(s.session.prompt(), '> ');
    assert.equal(s.run('}'), 'bash: ${X\n}: bad substitution\n');
    assert.equal(s.run('echo ${%bad}'), 'bash: ${%bad}: bad substitution\n');
    assert.equal(s.run('echo $((2 + 3 * 4)) $((X + 1))'), '14 1\n');
  });

  it('VAR=value cmd sets the variable for that command only', () => {
    const s = shell();
    assert.equal(s.run('FOO=bar env | grep FOO; echo "[$FOO]"'), 'FOO=bar\n[]\n');
  });

  it('operators: ; && || ! and subshells', () => {
    const s = shell();
    assert.equal(s.run('true && echo a || echo b; false && echo c || echo d'), 'a\nd\n');
    assert.equal(s.run('! false && echo negated'), 'negated\n');
    assert.equal(s.run('(cd /etc; pwd); pwd'), '/etc\n/root\n');
    assert.equal(s.run('cd /nonexistent || echo fallback'), 'bash: cd: /nonexistent: No such file or directory\nfallback\n');
  });

  it('pipes pass stdout along and stderr to the terminal', () => {
    const s = shell();
    assert.equal(s.run('printf "b\\na\\nb\\n" | sort | uniq -c'), '      1 a\n      2 b\n');
    assert.equal(s.run('cat /nope | wc -l'), 'cat: /nope: No such file or directory\n0\n');
  });

  it('redirections: > >> < 2> 2>&1 &> and /dev/null', () => {
    const s = shell();
    assert.equal(s.run('echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f'), 'one\ntwo\n');
    assert.equal(s.run('cat /nope 2> /tmp/err; cat /tmp/err'), 'cat: /nope: No such file or directory\n');
    assert.equal(s.run('cat /nope 2>&1 | tr a-z A-Z'), 'CAT: /NOPE: NO SUCH FILE OR DIRECTORY\n');
    assert.equal(s.run('cat /nope /etc/hostname &> /dev/null; echo $?'), '1\n');
    assert.equal(s.run('echo x > /proc/version'), 'bash: /proc/version: Permission denied\n');
    assert.equal(s.run('tr a-z A-Z <<< hello'), 'HELLO\n');
    assert.equal(s.run('cat <<EOF\nline $USER\nEOF'), 'line root\n');
  });

  it('globbing matches the fake filesystem, skips dotfiles, leaves unmatched patterns alone', () => {
    const s = shell();
    assert.equal(s.run('echo /etc/host*'), '/etc/host.conf /etc/hostname /etc/hosts\n');
    assert.equal(s.run('echo /etc/hostnam?'), '/etc/hostname\n');
    assert.equal(s.run('cd /root; echo *'), '*\n');
    assert.equal(s.run('echo /nothing*here "/etc/host*"'), '/nothing*here /etc/host*\n');
  });

  it('command substitution with $(...) and backticks, and ~ expansion', () => {
    const s = shell();
    assert.equal(s.run('echo "host: $(hostname)" `whoami` ~ ~deploy'), 'host: web-07 root /root /home/deploy\n');
    assert.equal(s.run('echo $(echo $(echo nested))'), 'nested\n');
  });

  it('comments, aliases and syntax errors like bash', () => {
    const s = shell();
    assert.equal(s.run('echo visible # hidden'), 'visible\n');
    // like bash, an alias defined on a line is only expanded from the next line on
    assert.equal(s.run("alias hi='echo hello'; hi there"), 'bash: hi: command not found\n');
    assert.equal(s.run('hi there'), 'hello there\n');
    assert.equal(s.run('echo a ;; echo b'), "bash: syntax error near unexpected token `;;'\n");
    assert.equal(s.status(), 2);
    assert.equal(s.run('| ls'), "bash: syntax error near unexpected token `|'\n");
  });

  it('unterminated input asks for more with the PS2 prompt', () => {
    const s = shell();
    assert.equal(s.run('echo "open'), '');
    assert.equal(s.session.prompt(), '> ');
    assert.equal(s.run('close"'), 'open\nclose\n');
    assert.equal(s.session.prompt(), 'root@web-07:~# ');
    assert.equal(s.run('ls |'), '');
    assert.equal(s.run('wc -l'), '0\n');
  });

  it('parse() reports incomplete input and syntax errors with typed errors', () => {
    assert.throws(() => parse("echo 'x"), IncompleteInput);
    assert.throws(() => parse('echo x &&'), IncompleteInput);
    assert.throws(() => parse('echo )'), ShellSyntaxError);
    assert.equal(parse('a | b && c; d &').items.length, 2);
  });
});
