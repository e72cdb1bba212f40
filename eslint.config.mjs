// Lint enforces the house arrows: app -> components -> lib; lib never imports
// React or Next; only lib/db touches the database client.
import tseslint from "typescript-eslint";

const noReactInLib = {
  paths: [
    { name: "react", message: "lib/ is plain TypeScript: no React." },
    { name: "react-dom", message: "lib/ is plain TypeScript: no React." },
  ],
  patterns: [
    { group: ["next", "next/*"], message: "lib/ never imports Next." },
    { group: ["@/components/*", "**/components/*"], message: "lib/ must not import components/." },
    { group: ["@/app/*", "**/app/*"], message: "lib/ must not import app/." },
  ],
};

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", "lib/db/generated/", "test-output/", "bench-output/", ".firebreak/", "next-env.d.ts"] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": ["error", { selector: "ExportAllDeclaration", message: "No `export *`: name what a module exports." }],
    },
  },
  {
    files: ["lib/**/*.ts"],
    ignores: ["lib/db/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          ...noReactInLib,
          patterns: [
            ...noReactInLib.patterns,
            { group: ["@prisma/*", "**/db/generated/*"], message: "Only lib/db touches the database client." },
          ],
        },
      ],
    },
  },
  {
    files: ["components/**/*.ts", "components/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/lib/db/*", "**/lib/db/*", "@prisma/*", "pg"], message: "components/ never touch the database." },
            { group: ["@/app/*", "**/app/*"], message: "components/ must not import app/." },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    ...tseslint.configs.disableTypeChecked,
  },
);
