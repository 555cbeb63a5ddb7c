// Shapes of the quality loop's JSON: suggestions on offers, per-annotator quality, agreement series, reviews.

import type { Message, Prompt, ShownCompletion } from "./types";

export type Tiers = string[][];

/** A judge's ranking offered as a starting point, with where it came from. */
export interface Suggestion { ranking: Tiers; judgeId: string; judgeName: string; rankedAt: string }

export interface AnnotatorQuality {
  annotatorId: string; name: string; kind: "human" | "judge"; annotations: number; skips: number; goldTasks: number;
  goldAgreement?: number; goldKendallTau?: number; peerAgreement?: number; peerItems: number;
  judgeAgreement: Record<string, number>; medianActiveSeconds?: number; skipRate?: number; tieRate?: number;
  firstShownWins?: number; firstShownChance?: number; weight: number;
}

export interface AgreementPoint {
  from: string; to: string; tasks: number; items: number;
  krippendorffAlpha?: number; alphaLow?: number; alphaHigh?: number; fleissKappa?: number; kappaLow?: number; kappaHigh?: number;
}

export interface ReviewedRanking { annotationId: string; annotatorId: string; ranking: Tiers; rationale?: string }
export interface ReviewCase {
  taskId: string; campaignId: string; disagreement: number; prompt: Prompt; completions: ShownCompletion[];
  rankings: ReviewedRanking[]; decision?: { decision: string; note: string };
}
export interface ReviewCampaign { id: string; name: string; reviewThreshold: number; pending: number }

export interface QualitySettings {
  goldRate: number; reviewThreshold?: number; suggestionJudgeId?: string; suggestionHoldout: number; queueOrder: import("./queueOrder").QueueOrder;
}

export type { Message };
