# One image for both processes: `node dist/api/main.js` or `node dist/workers/main.js`; the API serves the console.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY scripts/db/generate.mjs ./scripts/db/generate.mjs
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The console's static build (npm run build ran console:build), served at /console (CONSOLE_DIR).
COPY --from=build /app/console/dist ./console/dist
COPY --from=build /app/prisma/migrations ./prisma/migrations
USER node
EXPOSE 3000
CMD ["node", "dist/api/main.js"]
