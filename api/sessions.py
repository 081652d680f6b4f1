"""Conversations kept in SQLite, so that a restart loses nothing.

One short-lived connection per operation: SQLite serialises writers itself, and the
service's worker threads never share a connection.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from assistant.conversation import Turn

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    answer TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
);
"""


@dataclass(frozen=True)
class Message:
    role: str
    content: str
    created_at: str
    answer: dict | None  # type: ignore[type-arg]  # the full answer, for assistant turns


@dataclass(frozen=True)
class Session:
    session_id: str
    created_at: str
    messages: list[Message]

    def turns(self) -> list[Turn]:
        return [Turn(m.role, m.content) for m in self.messages]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SessionStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as connection, connection:
            connection.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        return connection

    def create(self) -> Session:
        session = Session(uuid.uuid4().hex, _now(), [])
        with closing(self._connect()) as connection, connection:
            connection.execute("INSERT INTO sessions (id, created_at) VALUES (?, ?)", (session.session_id, session.created_at))
        return session

    def get(self, session_id: str) -> Session | None:
        with closing(self._connect()) as connection:
            row = connection.execute("SELECT id, created_at FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                return None
            rows = connection.execute(
                "SELECT role, content, created_at, answer FROM messages WHERE session_id = ? ORDER BY seq", (session_id,)
            ).fetchall()
        messages = [Message(r[0], r[1], r[2], json.loads(r[3]) if r[3] else None) for r in rows]
        return Session(row[0], row[1], messages)

    def append_turn(self, session_id: str, question: str, answer_text: str, answer: dict) -> bool:  # type: ignore[type-arg]
        """Store a question and its answer; False when the session does not exist (any more)."""
        with closing(self._connect()) as connection, connection:
            if connection.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
                return False
            (seq,) = connection.execute("SELECT COALESCE(MAX(seq), 0) FROM messages WHERE session_id = ?", (session_id,)).fetchone()
            now = _now()
            connection.execute(
                "INSERT INTO messages VALUES (?, ?, 'user', ?, NULL, ?)", (session_id, seq + 1, question, now)
            )
            connection.execute(
                "INSERT INTO messages VALUES (?, ?, 'assistant', ?, ?, ?)",
                (session_id, seq + 2, answer_text, json.dumps(answer, ensure_ascii=False), now),
            )
        return True

    def delete(self, session_id: str) -> bool:
        with closing(self._connect()) as connection, connection:
            deleted = connection.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount
        return deleted > 0
