-- 000018_hedra_needs_audio: Hedra's generations animate a portrait to an
-- audio asset and its API has no text-to-speech (reference §15), so the
-- adapter refuses a job without input.audio. The catalog said
-- {image, text|audio} and took such jobs only to fail them: it now requires
-- both, so they are refused at acceptance (QA400 on input.audio). input.text
-- stays accepted as the scene's text prompt.
UPDATE internal.providers SET requires = '{image,audio}' WHERE id = 'hedra';
