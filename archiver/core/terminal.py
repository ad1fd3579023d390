"""Text from the network, made safe to print in a terminal (issue 12).

A post's author, text or URL is whatever a stranger wrote. Printed raw, an escape
sequence in it can set the window title, clear the screen or move the cursor to
overwrite archiver's own lines ("All posts verified OK"); a bidi override can make
a URL read backwards. Every character a terminal would act on rather than show —
the C0 and C1 controls, DEL, and the Unicode format characters (bidi overrides,
zero-width joiners…) — is shown as its escape instead: ``\\x1b``, ``\\u202e``.
"""

from __future__ import annotations

import unicodedata


def terminal_text(value: object, keep_lines: bool = False) -> str:
    """``value`` as text a terminal only displays; newlines kept with ``keep_lines``."""
    text = "" if value is None else str(value)
    out: list[str] = []
    for ch in text:
        if ch == "\n" and keep_lines:
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            code = ord(ch)
            out.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}"
                if code < 0x10000
                else f"\\U{code:08x}"
            )
        else:
            out.append(ch)
    return "".join(out)
