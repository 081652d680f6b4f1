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
from datetime import datetime, timedelta, timezone
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


class SessionLimit(Exception):
    """A limit of the store was reached; the message says which and what to do."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Limits:
    sessions: int = 10_000  # live sessions at once
    turns: int = 100  # questions in one session
    days: float = 30.0  # a session older than this is forgotten


class SessionStore:
    def __init__(self, path: Path, limits: Limits = Limits()) -> None:
        self.path = path
        self.limits = limits
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as connection, connection:
            connection.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        return connection

    def create(self) -> Session:
        """A new session, after forgetting expired ones. Raises SessionLimit (429) when the store is full."""
        session = Session(uuid.uuid4().hex, _now(), [])
        expired = (datetime.now(timezone.utc) - timedelta(days=self.limits.days)).isoformat(timespec="seconds")
        with closing(self._connect()) as connection, connection:
            connection.execute("DELETE FROM sessions WHERE created_at < ?", (expired,))
            (count,) = connection.execute("SELECT COUNT(*) FROM sessions").fetchone()
            if count >= self.limits.sessions:
                raise SessionLimit(
                    429, f"{count} conversations are open, the most this service keeps (ASSISTANT_MAX_SESSIONS). "
                    "Delete finished ones (DELETE /sessions/{id}) or try later; they expire after "
                    f"{self.limits.days:g} days.",
                )
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
            if seq // 2 >= self.limits.turns:
                raise SessionLimit(
                    409, f"This conversation has reached {self.limits.turns} questions (ASSISTANT_MAX_SESSION_TURNS). "
                    "Start a new one with POST /sessions.",
                )
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
