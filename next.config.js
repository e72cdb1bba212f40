// Next.js configuration (ESM: the package is "type": "module").

/** @type {import("next").NextConfig} */
const nextConfig = {
  // Loaded with Node's own require at run time instead of bundled: the pg
  // driver and Prisma's runtime resolve files relative to themselves.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "@prisma/client", "pdfkit"],
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
