FROM node:24-bookworm-slim
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY connectors ./connectors
COPY rules ./rules
COPY hookhub.yaml tsconfig.json ./
ENV NODE_ENV=production HOOKHUB_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
USER node
ENTRYPOINT ["node", "bin/hookhub.js"]
CMD ["start"]
