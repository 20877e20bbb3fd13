import logging
import os
import tempfile
import unittest

from missionctl.config import load_settings, parse_dotenv
from missionctl.errors import ConfigError
from missionctl.log import JsonFormatter, default_logger
from missionctl.seen import SeenCache


class SeenCacheTest(unittest.TestCase):
    def test_remembers_for_the_ttl_then_forgets(self):
        now = [0.0]
        seen = SeenCache(ttl_s=600, clock=lambda: now[0])
        seen.add("a").last_reply = b"r"
        now[0] = 599
        self.assertEqual(seen.get("a").last_reply, b"r")
        now[0] = 601
        self.assertIsNone(seen.get("a"))

    def test_bounded_by_count(self):
        seen = SeenCache(max_entries=3, clock=lambda: 0.0)
        for i in range(5):
            seen.add(str(i))
        self.assertEqual(len(seen), 3)
        self.assertIsNone(seen.get("0"))
        self.assertIsNotNone(seen.get("4"))


class ConfigTest(unittest.TestCase):
    def test_defaults(self):
        s = load_settings({}, env_file=None)
        self.assertEqual((s.ipc_dir, s.bot_id, s.proxy, s.reply_timeout_ms), ("/tmp/missionctl", "chatops", None, 10_000))

    def test_dotenv_read_and_the_environment_wins(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, ".env")
            with open(path, "w") as f:
                f.write("MISSIONCTL_IPC_DIR=/from/file\nMISSIONCTL_ID='bot2' # comment\n")
            s = load_settings({"MISSIONCTL_IPC_DIR": "/from/env", "MISSIONCTL_ID": " "}, env_file=path)
        self.assertEqual((s.ipc_dir, s.bot_id), ("/from/env", "bot2"))
        self.assertEqual(parse_dotenv('export A="x\\ny"\nB=1 # c'), {"A": "x\ny", "B": "1"})

    def test_every_problem_at_once(self):
        with self.assertRaises(ConfigError) as caught:
            load_settings(
                {
                    "MISSIONCTL_ID": "a b",
                    "MISSIONCTL_PROCESSES": "mm1=tcp://10.0.0.1:7001,ok",
                    "MISSIONCTL_REPLY_TIMEOUT_MS": "99999999999",
                    "MISSIONCTL_PROXY": "tcp://*:7000",
                    "LOG_LEVEL": "loud",
                },
                env_file=None,
            )
        text = "\n".join(caught.exception.problems)
        for needle in ("MISSIONCTL_ID", "not a loopback", "MISSIONCTL_REPLY_TIMEOUT_MS", "binds every interface",
                       "MISSIONCTL_CERT: required", "MISSIONCTL_PROXY_CERT: required", "LOG_LEVEL"):
            self.assertIn(needle, text)
        self.assertIn('MISSIONCTL_ID: "a b" is not a process id', text)  # quoted as the TypeScript side does


class DefaultLoggerTest(unittest.TestCase):
    def test_json_lines_at_the_level_given_unless_the_application_set_up_logging(self):
        root = logging.getLogger()
        saved = root.handlers[:]
        self.addCleanup(setattr, root, "handlers", saved)
        root.handlers = []
        log = default_logger("warn")
        self.assertEqual([type(h.formatter) for h in log.handlers], [JsonFormatter])
        self.assertFalse(log.isEnabledFor(logging.INFO))
        root.handlers = [logging.NullHandler()]
        log.handlers.clear()
        log = default_logger("debug")
        self.assertEqual(log.handlers, [])  # the application's handlers, reached through the root
        self.assertTrue(log.propagate)
