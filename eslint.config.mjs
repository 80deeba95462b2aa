import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdktf.out/", "coverage/", "**/*.js", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // The provider barrel loads all ~2200 resource classes: 10x slower synth, 8x the memory.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              // The barrel itself or its lib/ index, with or without an extension.
              regex: "^@cdktf/provider-aws(/lib)?(/index(\\.js)?)?/?$",
              message: "Import the resource from its deep path, e.g. '@cdktf/provider-aws/lib/kms-key'.",
            },
          ],
        },
      ],
    },
  },
);
