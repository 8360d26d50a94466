# Faldone: one image for every role (api, worker, scheduler). Build: docker build -t faldone .
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV NODE_ENV=production FALDONE_DATA_DIR=/data
# A named volume mounted on /data takes this directory's owner on first use.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
ENTRYPOINT ["npx", "tsx", "src/main.ts"]
CMD ["serve"]
