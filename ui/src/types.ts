// Shapes of the API's JSON (see src/Preference.Server/README.md).

export interface Message { role: string; content: string }
export interface Prompt { id: string; text?: string; messages?: Message[] }
export interface ShownCompletion { id: string; text?: string; messages?: Message[] }
export interface TaskOffer {
  taskId: string; campaignId: string; assignmentId: string; prompt: Prompt; completions: ShownCompletion[]; expiresAt: string;
  suggestion?: import("./qualityTypes").Suggestion;
}
export interface NextTask { task: TaskOffer; mine: number; remaining: number }
export interface MyCampaign { id: string; name: string; guidelines: string; responsesPerTask: number; mine: number; remaining: number }
export interface Me { id: string; name: string; kind: "human" | "judge"; role: "annotator" | "admin" | "trainer" | "reviewer" }
export interface Campaign {
  id: string; name: string; guidelines: string; responsesPerTask: number; overlap: number; allowedAnnotatorIds: string[];
}
export interface CampaignView { campaign: Campaign; tasks: number; tasksDone: number; annotations: number }
export interface Progress { campaignId: string; tasks: number; tasksDone: number; annotations: number; perAnnotator: Record<string, number> }
export interface RaterAgreement { rater: string; items: number; agreed: number; rate: number }
export interface Agreement {
  items: number; annotators: string[]; percentAgreement?: number; fleissKappa?: number; krippendorffAlphaOrdinal?: number;
  perAnnotatorVsConsensus: RaterAgreement[]; cohensKappa: { a: string; b: string; kappa?: number }[];
}
export interface TrainingRun { id: string; name: string; stage: string; startedAt: string }
export interface MetricPoint { runId: string; step: number; name: string; value: number }
