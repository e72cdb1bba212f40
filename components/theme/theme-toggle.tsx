"use client";

import { useEffect, useLayoutEffect, useState } from "react";
import { MonitorIcon, MoonIcon, SunIcon } from "../ui/icons.tsx";
import { THEME_CHOICES, THEME_STORAGE_KEY, applyTheme, readThemeChoice, type ThemeChoice } from "./theme.ts";

const LABELS: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark" };
const ICONS: Record<ThemeChoice, React.ReactNode> = { system: <MonitorIcon />, light: <SunIcon />, dark: <MoonIcon /> };

export function ThemeToggle() {
  // "system" on the server and the first client render; the real choice is read after mount (localStorage is browser-only).
  const [choice, setChoice] = useState<ThemeChoice>("system");

  useLayoutEffect(() => {
    const stored = readThemeChoice();
    setChoice(stored);
    // React's dev remount resets <html> attributes; re-apply (a no-op in production).
    applyTheme(stored);
  }, []);

  // Follow the system while the choice is "system".
  useEffect(() => {
    if (choice !== "system") return;
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    const onChange = () => applyTheme("system");
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, [choice]);

  function choose(next: ThemeChoice) {
    setChoice(next);
    try {
      if (next === "system") localStorage.removeItem(THEME_STORAGE_KEY);
      else localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      // Private mode without storage: the choice lasts for this page only.
    }
    applyTheme(next);
  }

  return (
    <fieldset className="flex rounded-lg border border-line bg-panel p-0.5 text-xs">
      <legend className="sr-only">Theme</legend>
      {THEME_CHOICES.map((c) => (
        <button
          key={c}
          type="button"
          aria-pressed={choice === c}
          onClick={() => choose(c)}
          className={`flex flex-1 items-center justify-center gap-1 rounded-md px-2 py-1 font-medium ${choice === c ? "bg-raised text-fg" : "text-muted hover:text-fg"}`}
        >
          {ICONS[c]}
          {LABELS[c]}
        </button>
      ))}
    </fieldset>
  );
}
